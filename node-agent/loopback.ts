// derchain talks JSON-RPC to nodes on the loopback interface only (the nodes never expose RPC
// beyond 127.0.0.1; remote prosumers reach them through the future gateway relay).
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function assertLoopbackRpc(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a URL: ${url}`);
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error(`unsupported RPC scheme in ${url} (http only)`);
  if (!LOOPBACK_HOSTS.has(parsed.hostname)) throw new Error(`RPC endpoint ${parsed.host} is not on the loopback interface`);
}
