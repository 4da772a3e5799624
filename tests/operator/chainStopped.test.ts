// Defect 6 of issue 14: the pilot's chain dies mid-round. The pilot runs as `derchain pilot` (the
// launcher, a child process); once it reports an iteration, the test kills the anvil process the
// pilot started (the real binary, found among the pilot's children). The pilot must stop its agents
// and exit with code 3 and "the chain at <URL> stopped answering", not hang and not end with viem's
// raw "fetch failed". Both markets.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const LAUNCHER = join(ROOT, 'bin', 'derchain.mjs');

/** The direct children of `pid` with their command lines (Linux /proc). */
function childrenOf(pid: number): { pid: number; argv: string[] }[] {
  let list: string[];
  try {
    list = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
  return list.map((p) => {
    let argv: string[] = [];
    try {
      argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      // already gone
    }
    return { pid: Number(p), argv };
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Outcome {
  code: number | null;
  stderr: string;
  agents: number[];
  anvilPid: number;
  secondsAfterKill: number;
}

function killChainMidRound(market: 'bilateral' | 'pool', progressMsg: string, out: string): Promise<Outcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, 'pilot', '--market', market, '--prosumers', '3', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, DERCHAIN_DATA_DIR: '', DERCHAIN_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let killedAt = 0;
    let anvilPid = 0;
    let agents: number[] = [];
    const hang = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the pilot did not exit within 60 s after its chain was killed (killed: ${killedAt > 0})\n${stderr}`));
    }, 120_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (killedAt === 0 && stderr.includes(progressMsg)) {
        const kids = childrenOf(child.pid!);
        const anvil = kids.find((k) => /(^|\/)anvil$/.test(k.argv[0] ?? ''));
        if (!anvil) return reject(new Error(`no anvil among the pilot's children: ${JSON.stringify(kids)}`));
        anvilPid = anvil.pid;
        agents = kids.filter((k) => k.pid !== anvil.pid).map((k) => k.pid);
        killedAt = Date.now();
        process.kill(anvil.pid, 'SIGKILL');
      }
    });
    child.on('exit', (code) => {
      clearTimeout(hang);
      resolvePromise({ code, stderr, agents, anvilPid, secondsAfterKill: (Date.now() - killedAt) / 1000 });
    });
  });
}

describe('pilot: its chain dies mid-round', function () {
  this.timeout(150_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-chain-stopped-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [market, progress] of [
    ['bilateral', 'iteration on chain'],
    ['pool', 'clearing on chain'],
  ] as const) {
    it(`${market}: stops its agents and exits 3 with "the chain at <URL> stopped answering"`, async () => {
      const r = await killChainMidRound(market, progress, join(dir, market));
      assert.ok(r.anvilPid > 0, 'the chain was killed mid-round');
      assert.equal(r.code, 3, r.stderr.slice(-3000));
      const last = r.stderr.trim().split('\n').filter((l) => l.startsWith('derchain'));
      assert.equal(last.length, 1, r.stderr.slice(-3000));
      assert.match(last[0]!, /^derchain pilot: the chain at http:\/\/127\.0\.0\.1:\d+ stopped answering$/);
      assert.match(r.stderr, new RegExp(`Details: anvil \\(pid ${r.anvilPid}\\) ended with signal SIGKILL`));
      assert.ok(!/fetch failed/.test(last[0]!), 'not viem\'s raw message');
      assert.ok(r.agents.length >= 1, 'the pilot had agent processes');
      // the pilot sent them SIGTERM before exiting; give them a moment to finish
      const until = Date.now() + 10_000;
      while (r.agents.some(alive) && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
      for (const pid of r.agents) assert.equal(alive(pid), false, `agent ${pid} still running 10 s after the pilot exited`);
      assert.ok(r.secondsAfterKill < 60, `${r.secondsAfterKill} s`);
    });
  }
});
