/**
 * The container files cannot run here (no container engine), so they are checked statically: the Dockerfile's
 * stages and runtime settings, the compose topology (services, shared settings that are real gateway settings,
 * health checks, dependencies), nginx's upstreams, Apollo Router's config, and the committed supergraph — which
 * must be what `npm run deploy:supergraph` composes now, with routing URLs that name compose services and ports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig, SETTINGS } from '../../../src/config';
import { generateApiKey } from '../../../src/auth/apiKeys';
import { ROUTING_URLS, supergraphFiles } from '../../../deploy/compose-supergraph';

const ROOT = join(__dirname, '../../..');
const DEPLOY = join(ROOT, 'deploy');
const read = (...p: string[]) => readFileSync(join(ROOT, ...p), 'utf8');

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const compose = parseYaml(read('deploy/compose.yaml')) as { services: Record<string, Json> };
const services = compose.services;
const KNOWN_SETTINGS = new Set(SETTINGS.map((s) => s.env));
const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> };

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1).map((s) => ({ name: /^\S+ AS (\S+)/.exec(s)?.[1], text: s }));
  const runtime = stages[stages.length - 1]!;

  test('is multi-stage: production dependencies, a build with dev dependencies, and a runtime stage', () => {
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'runtime']);
    expect(stages[0]!.text).toMatch(/npm ci --omit=dev/);
    expect(stages[1]!.text).toMatch(/npm ci[^\n]*\n[\s\S]*npm run build/);
    expect(runtime.text).toMatch(/COPY --from=deps \/app\/node_modules/);
    expect(runtime.text).toMatch(/COPY --from=build \/app\/dist/);
    expect(runtime.text).not.toMatch(/npm ci(?! --omit=dev)|npm install/);
  });

  test('runs as the node user, listens on 0.0.0.0:4000, checks /healthz, starts the packaged command', () => {
    expect(runtime.text).toMatch(/^USER node$/m);
    expect(runtime.text).toMatch(/HOST=0\.0\.0\.0/);
    expect(runtime.text).toMatch(/^EXPOSE 4000$/m);
    expect(runtime.text).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    expect(runtime.text).toContain(`ENTRYPOINT ["node", "${pkg.bin['hubspot-graphql']}"]`);
  });

  test('copies only paths that exist and that .dockerignore lets through', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copied.length).toBeGreaterThan(3);
    for (const path of copied) {
      expect(existsSync(join(ROOT, path))).toBe(true);
      expect(ignored.filter((i) => path === i || path.startsWith(`${i}/`))).toEqual([]);
    }
    // The sample subgraph the image runs (compose's loyalty service) is compiled by the build.
    expect((JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include).toContain('deploy/sample-subgraph');
  });
});

describe('deploy/compose.yaml', () => {
  const gateways = ['gateway-1', 'gateway-2'];

  test('has two gateway instances, the load balancer, Redis, the sample subgraph, Apollo Router and the emulator', () => {
    expect(Object.keys(services).sort()).toEqual(['emulator', 'gateway-1', 'gateway-2', 'lb', 'loyalty', 'redis', 'router']);
    expect(services.router.image).toMatch(/^ghcr\.io\/apollographql\/router:/);
    expect(services.redis.image).toMatch(/^redis:/);
    // The services that run the gateway's image build it (compose would otherwise try to pull the local tag).
    for (const name of ['gateway-1', 'gateway-2', 'loyalty', 'emulator']) {
      expect([name, services[name].image, services[name].build]).toEqual([name, 'hubspot-graphql:local', { context: '..', dockerfile: 'Dockerfile' }]);
    }
    expect(existsSync(join(DEPLOY, '..', 'Dockerfile'))).toBe(true);
  });

  test('the gateways share Redis, serve a federated subgraph on 0.0.0.0, authenticate callers and have health checks', () => {
    for (const name of gateways) {
      const env = services[name].environment as Record<string, string>;
      expect(Object.keys(env).filter((k) => !KNOWN_SETTINGS.has(k))).toEqual([]); // every variable is a real setting
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.FEDERATION).toBe('true');
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.API_KEY_HASHES).toMatch(/^\$\{API_KEY_HASHES:\?/);
      expect(env.HUBSPOT_BASE_URL).toContain('http://emulator:4010');
      expect(services[name].healthcheck.test.join(' ')).toContain(`127.0.0.1:${env.PORT}/readyz`);
      expect(services[name].stop_grace_period).toMatch(/^\d+s$/);
      expect(Number(services[name].stop_grace_period.replace('s', '')) * 1000).toBeGreaterThan(Number(env.SHUTDOWN_GRACE_MS));
    }
    expect(services['gateway-1']).toEqual(services['gateway-2']);
  });

  test("the services' settings, with compose's defaults and the image's environment, pass the gateway's own checks", () => {
    const image = { NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '4000' }; // the Dockerfile's ENV
    const given: Record<string, string> = { API_KEY_HASHES: generateApiKey().hash };
    // ${NAME:-default} → the default; ${NAME:?message} → what the operator must give.
    const resolve = (env: Record<string, string>) =>
      Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{(\w+):([-?])([^}]*)\}/g, (_m, name: string, op: string, rest: string) => (op === '-' ? rest : given[name]!))]));
    for (const name of gateways) {
      const config = loadConfig({ ...image, ...resolve(services[name].environment) }, [], 'serve');
      expect([config.host, config.port, config.federation, config.redisUrl, config.hubspotBaseUrl]).toEqual(['0.0.0.0', 4000, true, 'redis://redis:6379', 'http://emulator:4010']);
      expect(config.webhooks.clientSecret).toBe('demo-client-secret');
    }
    const emulator = loadConfig({ ...image, ...resolve(services.emulator.environment) }, services.emulator.command.slice(1), 'emulator');
    expect([emulator.emulator.host, emulator.emulator.port]).toEqual(['0.0.0.0', 4010]);
  });

  test('every dependency names a service; the emulator and loyalty services listen where they are called', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const dep of Object.keys(service.depends_on ?? {})) expect([name, dep, dep in services]).toEqual([name, dep, true]);
    }
    const emulatorEnv = services.emulator.environment as Record<string, string>;
    expect(Object.keys(emulatorEnv).filter((k) => !KNOWN_SETTINGS.has(k))).toEqual([]);
    expect(emulatorEnv.EMULATOR_HOST).toBe('0.0.0.0');
    expect(ROUTING_URLS.loyalty).toBe(`http://loyalty:${services.loyalty.environment.PORT}/graphql`);
    expect(services.loyalty.entrypoint).toEqual(['node', 'dist/deploy/sample-subgraph/loyalty.js']);
  });

  test('nginx balances over both gateways on their port, proxies WebSocket upgrades and keeps the Host header', () => {
    const nginx = read('deploy/nginx.conf');
    const upstream = [...nginx.matchAll(/^\s*server (\S+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstream).toEqual(gateways.map((g) => `${g}:${services[g].environment.PORT}`));
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
    expect(nginx).toMatch(/proxy_set_header Host \$http_host/);
    const listen = /listen (\d+);/.exec(nginx)![1];
    expect(ROUTING_URLS.hubspot).toBe(`http://lb:${listen}/graphql`);
    expect(services.lb.volumes).toContain('./nginx.conf:/etc/nginx/conf.d/default.conf:ro');
  });

  test('Apollo Router mounts router.yaml and the supergraph, and passes caller credentials on', () => {
    const mounts = (services.router.volumes as string[]).map((v) => v.split(':'));
    for (const [host] of mounts) expect(existsSync(join(DEPLOY, host!))).toBe(true);
    const inContainer = Object.fromEntries(mounts.map(([h, c]) => [h, c]));
    expect(services.router.command).toEqual(['--config', inContainer['./router.yaml'], '--supergraph', inContainer['./supergraph.graphql']]);
    const router = parseYaml(read('deploy/router.yaml')) as Json;
    expect(router.supergraph.listen).toBe('0.0.0.0:4000');
    expect(services.router.ports).toContain('4000:4000');
    expect(router.headers.all.request.map((r: Json) => r.propagate.named)).toEqual(['x-api-key', 'authorization']);
  });
});

describe('the supergraph', () => {
  test('the committed supergraph and subgraph SDL are what `npm run deploy:supergraph` composes now', () => {
    const fresh = supergraphFiles();
    for (const [file, text] of Object.entries(fresh)) {
      expect([file, read('deploy', file) === text ? 'up to date' : 'stale: run npm run deploy:supergraph']).toEqual([file, 'up to date']);
    }
    const graphs = [...fresh['supergraph.graphql']!.matchAll(/@join__graph\(name: "(\w+)", url: "([^"]+)"\)/g)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(graphs)).toEqual(ROUTING_URLS);
  });

  test("rover's supergraph.yaml names the same files, routing URLs and composition version", () => {
    const config = parseYaml(read('deploy/supergraph.yaml')) as { federation_version: string; subgraphs: Record<string, { routing_url: string; schema: { file: string } }> };
    expect(Object.fromEntries(Object.entries(config.subgraphs).map(([n, s]) => [n, s.routing_url]))).toEqual(ROUTING_URLS);
    for (const s of Object.values(config.subgraphs)) expect(existsSync(join(DEPLOY, s.schema.file))).toBe(true);
    const composition = JSON.parse(read('node_modules/@apollo/composition/package.json')) as { version: string };
    expect(config.federation_version).toBe(`=${composition.version}`);
  });
});
