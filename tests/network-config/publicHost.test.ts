// RPC is never public (issue 14, defects 8 and 11): a public node host is refused unless the
// description opts in with rpc.allowPublicHosts (then with a warning); bad input to
// `network validate|generate` exits 2 naming the file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConsortiumSpecError } from '../../network-config/errors.js';
import { isPublicIpv4, parseConsortiumSpec, specWarnings } from '../../network-config/spec.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

const spec = (host: string, extra = '') => `name: t
chainId: 4242
consensus: clique
blockPeriodSeconds: 2
gasLimit: 30000000
validators:
  - name: a
    host: 10.0.0.1
  - name: b
    host: ${host}
${extra}`;

function derchain(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'derchain.mjs'), 'network', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('network-config: public node hosts and exit codes', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-public-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('classifies addresses', () => {
    for (const h of ['10.1.2.3', '172.20.0.1', '192.168.1.1', '127.0.0.1', '100.64.1.1', '169.254.0.9']) assert.equal(isPublicIpv4(h), false, h);
    for (const h of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '100.128.0.1']) assert.equal(isPublicIpv4(h), true, h);
  });

  it('refuses host 8.8.8.8 naming the key and line; the opt-in accepts it with a warning', () => {
    let err: unknown;
    try {
      parseConsortiumSpec(spec('8.8.8.8'), 'spec.yaml');
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConsortiumSpecError);
    assert.equal(err.keyPath, 'validators[1].host');
    assert.equal(err.line, 10);
    assert.match(err.message, /8\.8\.8\.8 is a public address/);
    const ok = parseConsortiumSpec(spec('8.8.8.8', 'rpc:\n  allowPublicHosts: true\n'), 'spec.yaml');
    assert.deepEqual(specWarnings(ok).length, 1);
    assert.match(specWarnings(ok)[0], /node b: JSON-RPC binds to the public address 8\.8\.8\.8/);
    assert.deepEqual(specWarnings(parseConsortiumSpec(spec('10.0.0.2'), 's.yaml')), []);
  });

  it('network validate and generate exit 2 on bad input, and generate writes no file for a public host', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, spec('8.8.8.8'));
    const v = derchain(['validate', bad]);
    assert.equal(v.code, 2, v.stderr);
    assert.match(v.stderr, new RegExp(`file ${bad}, line 10, field validators\\[1\\]\\.host`));
    const out = join(dir, 'net');
    const g = derchain(['generate', bad, '--out', out]);
    assert.equal(g.code, 2, g.stderr);
    const missing = derchain(['validate', join(dir, 'nope.yaml')]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /nope\.yaml.*cannot read/);
    const opted = join(dir, 'opted.yaml');
    writeFileSync(opted, spec('8.8.8.8', 'rpc:\n  allowPublicHosts: true\n'));
    const w = derchain(['validate', opted]);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /warning: node b: JSON-RPC binds to the public address 8\.8\.8\.8/);
  });
});
