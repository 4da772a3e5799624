// Shell fragments that place a node's non-secret files (genesis, config.toml, static-nodes.json,
// permissions) on a host: each file travels gzip-compressed and base64-encoded inside a quoted
// heredoc, so user-data stays under EC2's 16 KiB limit and no shell expansion touches the content.
// Never pass secret material here: the result ends up in user-data or a command's script.
import { gzipSync } from 'node:zlib';

/** Validates a relative file name: no absolute paths, no "..", no shell-special characters. */
export function assertSafeRelativePath(path: string): void {
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(path) || path.split('/').some((p) => p === '..' || p === '.')) {
    throw new Error(`unsafe file name for a host file: ${JSON.stringify(path)}`);
  }
}

/** Shell lines writing each file under dir with the given mode (owner root). Deterministic output. */
export function writeFilesScript(dir: string, files: Readonly<Record<string, string>>, mode = '0644'): string {
  const lines: string[] = [];
  for (const path of Object.keys(files).sort()) {
    assertSafeRelativePath(path);
    const target = `${dir}/${path}`;
    const payload = gzipSync(Buffer.from(files[path]!, 'utf8'), { level: 9 }).toString('base64');
    const marker = `DERCHAIN_FILE_${path.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
    lines.push(`install -d -m 0755 "$(dirname '${target}')"`);
    lines.push(`base64 -d > '${target}.gz.tmp' <<'${marker}'`);
    for (let i = 0; i < payload.length; i += 76) lines.push(payload.slice(i, i + 76));
    lines.push(marker);
    lines.push(`gunzip -c '${target}.gz.tmp' > '${target}.tmp' && rm -f '${target}.gz.tmp'`);
    lines.push(`chmod ${mode} '${target}.tmp' && mv -f '${target}.tmp' '${target}'`);
  }
  return lines.join('\n');
}
