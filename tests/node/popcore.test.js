// Drives fleetsim with Alibaba Cloud's own Node SDK (@alicloud/pop-core,
// which signs v1): paging DescribeContainerGroups through a whole region must
// succeed, with GET and POST, and a wrong secret must be refused; the SDK
// reads a container's log (DescribeContainerLog) and a page of groups'
// metrics (DescribeMultiContainerGroupMetric) as it would from ECI.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const RPCClient = require('@alicloud/pop-core').RPCClient;

const root = path.resolve(__dirname, '..', '..');
const fleetsim = path.join(root, process.env.BUILD || 'build', 'fleetsim');

function startSim() {
  return new Promise((resolve, reject) => {
    const proc = spawn(fleetsim, ['--listen', '127.0.0.1:0', '--quiet',
      '--fleet', path.join(root, 'tests', 'fixtures', 'demo-fleet.json')]);
    const rl = readline.createInterface({ input: proc.stdout });
    rl.once('line', (line) => {
      const m = /endpoint=(\S+) access-key-id=(\S+) access-key-secret=(\S+)/.exec(line);
      if (!m) return reject(new Error('fleetsim said: ' + line));
      resolve({ proc, endpoint: m[1], id: m[2], secret: m[3] });
    });
    proc.once('exit', (code) => reject(new Error('fleetsim exited ' + code)));
  });
}

function client(sim, secret) {
  return new RPCClient({
    accessKeyId: sim.id,
    accessKeySecret: secret || sim.secret,
    endpoint: sim.endpoint,
    apiVersion: '2018-08-08',
  });
}

test('pop-core pages a whole region and is refused with a wrong secret', async (t) => {
  const sim = await startSim();
  try {
    for (const method of ['GET', 'POST']) {
      await t.test('paging with ' + method, async () => {
        const ids = [];
        let token = '';
        let pages = 0;
        do {
          const params = { RegionId: 'us-west-1', Limit: 20 };
          if (token) params.NextToken = token;
          const r = await client(sim).request('DescribeContainerGroups', params, { method });
          assert.strictEqual(r.TotalCount, 47);
          for (const g of r.ContainerGroups) ids.push(g.ContainerGroupId);
          token = r.NextToken;
          pages++;
        } while (token);
        assert.strictEqual(pages, 3);
        assert.strictEqual(new Set(ids).size, 47);
      });
    }
    await t.test('regions', async () => {
      const r = await client(sim).request('DescribeRegions', {}, { method: 'POST' });
      assert.ok(r.Regions.some((x) => x.RegionId === 'cn-shanghai'));
    });
    await t.test('container log', async () => {
      const params = {
        RegionId: 'cn-hangzhou', ContainerGroupId: 'eci-bp1web000000000001',
        ContainerName: 'nginx', Tail: 10, Timestamps: true,
      };
      let r;
      for (let i = 0; i < 40; i++) {
        r = await client(sim).request('DescribeContainerLog', params, { method: 'POST' });
        if (r.Content.includes('GET /healthz 200')) break;
        await new Promise((ok) => setTimeout(ok, 250));
      }
      assert.strictEqual(r.ContainerName, 'nginx');
      assert.match(r.RequestId, /^[0-9A-F-]{36}$/);
      const first = r.Content.split('\n')[0];
      assert.match(first, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z .*GET \/healthz 200/);
      // The previous instance's log of a container that has restarted.
      const prev = await client(sim).request('DescribeContainerLog', {
        RegionId: 'cn-hangzhou', ContainerGroupId: 'eci-bp1web000000000001',
        ContainerName: 'log-shipper', LastTime: true,
      }, { method: 'GET' });
      assert.match(prev.Content, /panic: flush timed out/);
      await assert.rejects(
        client(sim).request('DescribeContainerLog', { ...params, Tail: 2001 }, { method: 'POST' }),
        (err) => err.code === 'InvalidParameter');
    });
    await t.test('metrics of a page of groups', async () => {
      const ids = ['eci-bp1web000000000001', 'eci-bp1api000000000001', 'eci-bp1job000000000001'];
      const r = await client(sim).request('DescribeMultiContainerGroupMetric', {
        RegionId: 'cn-hangzhou', ContainerGroupIds: JSON.stringify(ids), MetricType: 'summary',
      }, { method: 'POST' });
      assert.deepStrictEqual(r.MonitorDatas.map((d) => d.ContainerGroupId), ids);
      const web = r.MonitorDatas[0].Records[0];
      assert.match(web.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
      assert.deepStrictEqual(web.Containers.map((c) => c.Name), ['nginx', 'log-shipper']);
      for (const k of ['Limit', 'Load', 'UsageCoreNanoSeconds', 'UsageNanoCores']) {
        assert.strictEqual(typeof web.CPU[k], 'number', k);
      }
      for (const k of ['AvailableBytes', 'UsageBytes', 'Rss', 'WorkingSet', 'Cache']) {
        assert.strictEqual(typeof web.Memory[k], 'number', k);
      }
      assert.deepStrictEqual(r.MonitorDatas[2].Records, []); // a failed group has no data
    });
    await t.test('wrong secret', async () => {
      await assert.rejects(
        client(sim, 'not-the-secret').request('DescribeRegions', {}, { method: 'POST' }),
        (err) => {
          assert.strictEqual(err.code, 'SignatureDoesNotMatch');
          assert.match(err.message, /server string to sign is:POST&%2F&/);
          return true;
        });
    });
  } finally {
    sim.proc.kill('SIGTERM');
  }
});
