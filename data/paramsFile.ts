// The parameter file (`--params FILE`, YAML or JSON; JSON is read as YAML 1.2): a map from
// prosumer id to that prosumer's DER parameters (model/params.ts), plus an optional "*" entry
// for every prosumer not listed. Each entry is validated by the model's parseProsumerParams;
// errors name the file, the line of the offending value, the prosumer and the field.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { DerchainInputError } from '../errors/inputError.js';
import { parseProsumerParams, type ProsumerParams } from '../model/params.js';

/** Key of the entry that applies to every prosumer without its own entry. */
export const ALL_PROSUMERS_KEY = '*';

export interface ParamsFile {
  file: string;
  /** parsed parameters by prosumer id (and ALL_PROSUMERS_KEY) */
  entries: Map<string, ProsumerParams>;
  /** 1-based line of each entry's key */
  lines: Map<string, number>;
  /** 1-based line of a field path inside an entry, when it exists in the file */
  lineOf(prosumer: string, fieldPath: string | undefined): number | undefined;
}

/** Line of the deepest node on `path` that exists: a mapping entry's key line, or a list item's line. */
function lineOfNode(doc: Document, counter: LineCounter, path: (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(part));
      if (!pair) break;
      const key = pair.key as { range?: [number, number, number] } | null;
      if (key?.range) line = counter.linePos(key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      if (item.range) line = counter.linePos(item.range[0]).line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function pathOf(fieldPath: string | undefined): (string | number)[] {
  if (!fieldPath) return [];
  return fieldPath.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Parses parameter-file text; `file` names it in messages. */
export function parseParamsText(text: string, file: string): ParamsFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line;
    throw new DerchainInputError(`not valid YAML/JSON: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, line === undefined ? { file } : { file, line });
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    return { file, entries: new Map(), lines: new Map(), lineOf: () => undefined };
  }
  if (!isMap(root)) {
    throw new DerchainInputError('the parameter file must map prosumer ids to parameters, e.g. "H01: {battery: {E: 10}}"', {
      file,
      line: 1,
    });
  }
  const entries = new Map<string, ProsumerParams>();
  const lines = new Map<string, number>();
  let plain: Record<string, unknown>;
  try {
    plain = doc.toJS() as Record<string, unknown>;
  } catch (err) {
    // the yaml library refuses documents whose aliases expand too much (a "billion laughs" bomb)
    throw new DerchainInputError(`cannot expand the YAML: ${(err as Error).message}`, { file }, { cause: err });
  }
  const lineOf = (prosumer: string, fieldPath: string | undefined) => lineOfNode(doc, counter, [prosumer, ...pathOf(fieldPath)]);
  for (const pair of root.items) {
    const keyNode = pair.key;
    const id = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    const keyLine = isScalar(keyNode) && keyNode.range ? counter.linePos(keyNode.range[0]).line : undefined;
    if (keyLine !== undefined) lines.set(id, keyLine);
    const raw = plain[id];
    try {
      entries.set(id, parseProsumerParams(raw ?? {}, { file, prosumer: id }));
    } catch (err) {
      if (!(err instanceof DerchainInputError)) throw err;
      const line = lineOf(id, err.field) ?? keyLine;
      throw new DerchainInputError(err.reason, {
        file,
        ...(line === undefined ? {} : { line }),
        prosumer: id,
        ...(err.field === undefined ? {} : { field: err.field }),
      });
    }
  }
  return { file, entries, lines, lineOf };
}

/** Reads a parameter file. */
export function readParamsFile(path: string): ParamsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DerchainInputError(`cannot read the parameter file: ${(err as Error).message}`, { file: path });
  }
  return parseParamsText(text, path);
}

/** Checks that every id in the file is a simulated prosumer (or "*"). */
export function checkParamsIds(params: ParamsFile, prosumerIds: readonly string[]): void {
  const known = new Set(prosumerIds);
  for (const id of params.entries.keys()) {
    if (id !== ALL_PROSUMERS_KEY && !known.has(id)) {
      const line = params.lines.get(id);
      throw new DerchainInputError(`unknown prosumer; the simulated prosumers are ${prosumerIds.join(', ')}`, {
        file: params.file,
        ...(line === undefined ? {} : { line }),
        prosumer: id,
      });
    }
  }
}
