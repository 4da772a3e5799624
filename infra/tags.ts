// Tags every AWS resource of the stack carries: the project, the stack, the component that made it,
// a Name, and the pilot team's own tags from `derchain:tags` (which cannot override ours).

export type Tags = Record<string, string>;

export interface TagContext {
  stack: string;
  extra: Tags;
}

export const TAG_PROJECT = 'derchain:project';
export const TAG_STACK = 'derchain:stack';
export const TAG_COMPONENT = 'derchain:component';

export function resourceTags(ctx: TagContext, component: string, name: string): Tags {
  return {
    ...ctx.extra,
    Name: name,
    [TAG_PROJECT]: 'derchain',
    [TAG_STACK]: ctx.stack,
    [TAG_COMPONENT]: component,
  };
}
