// Drives fleetsim --k8s with the official Kubernetes JavaScript client
// (@kubernetes/client-node) from the kubeconfig fleetsim writes: it lists
// pods page by page, watches a crash loop, runs commands (exit codes,
// stdin) over its exec WebSocket, and reads and follows logs.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { PassThrough, Writable } = require('node:stream');

const root = path.resolve(__dirname, '..', '..');
const fleetsim = path.join(root, process.env.BUILD || 'build', 'fleetsim');

const FLEET = {
  regions: [
    {
      id: 'r1',
      groups: [
        { id: 'eci-web1', name: 'web-1', tags: { app: 'web' },
          containers: [{ name: 'nginx', image: 'nginx:1',
            command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo line-$i; sleep 0.2; done'] }] },
        { id: 'eci-crash1', name: 'crash-1', tags: { app: 'crash' }, restart_backoff: 1,
          containers: [{ name: 'main', image: 'busybox',
            command: ['sh', '-c', 'echo up; sleep 1; exit 3'] }] },
      ],
      generate: { count: 5, name_prefix: 'gen' },
    },
  ],
};

function startSim(dir) {
  const fleet = path.join(dir, 'fleet.json');
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(fleet, JSON.stringify(FLEET));
  return new Promise((resolve, reject) => {
    const proc = spawn(fleetsim, ['--listen', '127.0.0.1:0', '--quiet', '--fleet', fleet,
      '--k8s', '--write-kubeconfig', kubeconfig]);
    const rl = readline.createInterface({ input: proc.stdout });
    rl.once('line', (line) => {
      if (!/ k8s=https:/.test(line)) return reject(new Error('fleetsim said: ' + line));
      resolve({ proc, kubeconfig });
    });
    proc.once('exit', (code) => reject(new Error('fleetsim exited ' + code)));
  });
}

function stopSim(sim) {
  return new Promise((resolve) => {
    sim.proc.removeAllListeners('exit');
    sim.proc.once('exit', (code) => resolve(code));
    sim.proc.kill('SIGTERM');
  });
}

function collect() {
  const chunks = [];
  const w = new Writable({ write(c, _e, cb) { chunks.push(Buffer.from(c)); cb(); } });
  w.text = () => Buffer.concat(chunks).toString();
  return w;
}

test('@kubernetes/client-node against fleetsim --k8s', async (t) => {
  const k8s = await import('@kubernetes/client-node');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetsim-k8s-'));
  const sim = await startSim(dir);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(sim.kubeconfig);
  assert.strictEqual(kc.getCurrentContext(), 'fleetsim-r1');
  const core = kc.makeApiClient(k8s.CoreV1Api);
  try {
    await t.test('lists pods page by page', async () => {
      const all = await core.listNamespacedPod({ namespace: 'default' });
      const names = all.items.map((p) => p.metadata.name);
      assert.strictEqual(names.length, 7);
      const paged = [];
      let cont;
      do {
        const page = await core.listNamespacedPod({ namespace: 'default', limit: 3, _continue: cont });
        paged.push(...page.items.map((p) => p.metadata.name));
        cont = page.metadata._continue;
      } while (cont);
      assert.deepStrictEqual(paged, names);
      const web = await core.listPodForAllNamespaces({ labelSelector: 'app=web' });
      assert.deepStrictEqual(web.items.map((p) => p.metadata.name), ['web-1']);
      assert.strictEqual(web.items[0].status.phase, 'Running');
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'web-1' });
      assert.ok(pod.status.containerStatuses[0].state.running);
    });

    await t.test('is refused with a wrong token', async () => {
      const bad = new k8s.KubeConfig();
      bad.loadFromFile(sim.kubeconfig);
      bad.users[0].token = 'wrong';
      await assert.rejects(bad.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'default' }),
        (e) => e.code === 401);
    });

    await t.test('watches a crash loop', async () => {
      const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=crash' });
      const seen = [];
      const watch = new k8s.Watch(kc);
      let ctl;
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no MODIFIED event: ' + JSON.stringify(seen))), 10000);
        watch.watch('/api/v1/namespaces/default/pods',
          { labelSelector: 'app=crash', resourceVersion: list.metadata.resourceVersion,
            allowWatchBookmarks: true },
          (type, obj) => {
            seen.push(type);
            if (type === 'MODIFIED') {
              assert.strictEqual(obj.metadata.name, 'crash-1');
              clearTimeout(timer);
              resolve();
            }
          },
          (err) => { if (err && err.name !== 'AbortError') reject(err); })
          .then((c) => { ctl = c; }, reject);
      });
      if (ctl) ctl.abort();
    });

    await t.test('runs commands: exit codes, stdout, stderr, stdin', async () => {
      const exec = new k8s.Exec(kc);
      const run = (command, stdin) => new Promise((resolve, reject) => {
        const out = collect();
        const err = collect();
        exec.exec('default', 'web-1', 'nginx', command, out, err, stdin || null, false,
          (status) => resolve({ status, out: out.text(), err: err.text() }))
          .catch(reject);
      });
      let r = await run(['sh', '-c', 'echo out; echo err >&2; exit 5']);
      assert.strictEqual(r.status.status, 'Failure');
      assert.strictEqual(r.status.reason, 'NonZeroExitCode');
      assert.strictEqual(r.status.details.causes[0].message, '5');
      assert.strictEqual(r.out, 'out\n');
      assert.strictEqual(r.err, 'err\n');
      const stdin = new PassThrough();
      stdin.end('hello from node\n');
      r = await run(['cat'], stdin);
      assert.strictEqual(r.status.status, 'Success');
      assert.strictEqual(r.out, 'hello from node\n');
    });

    await t.test('reads and follows logs', async () => {
      const text = await core.readNamespacedPodLog({ namespace: 'default', name: 'web-1',
        container: 'nginx', tailLines: 2 });
      assert.strictEqual(text.trim().split('\n').length, 2);
      const log = new k8s.Log(kc);
      const out = new PassThrough();
      const lines = [];
      const got = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('followed: ' + lines)), 10000);
        // Several lines may come in one chunk: the first four are compared.
        readline.createInterface({ input: out }).on('line', (l) => {
          if (lines.length === 4) return;
          lines.push(l);
          if (lines.length === 4) { clearTimeout(timer); resolve(); }
        });
      });
      const ctl = await log.log('default', 'web-1', 'nginx', out,
        { follow: true, tailLines: 1, timestamps: true });
      await got;
      ctl.abort();
      for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\S+Z line-\d+$/);
      const n = lines.map((l) => Number(l.split('line-')[1]));
      assert.deepStrictEqual(n, [n[0], n[0] + 1, n[0] + 2, n[0] + 3]);
    });
  } finally {
    const code = await stopSim(sim);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.strictEqual(code, 0);
  }
});
