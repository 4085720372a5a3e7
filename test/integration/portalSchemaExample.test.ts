import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { carsWithDrivers, driversWithCars, recentCarsByColor } from '../../examples/typed-client/src';
import { request } from '../../examples/typed-client/src/client';
import { RegisterCarDocument } from '../../examples/typed-client/src/generated';
import { SMALL_SEED } from '../helpers/emulator';
import { startGateway, type TestGateway } from '../helpers/gateway';

/**
 * examples/typed-client cannot rot: its generated types are what graphql-codegen makes from the gateway's SDL and the
 * pulled portal schema today, it type-checks, and it runs against a gateway serving a portal with the demo's `cars`.
 */
const ROOT = join(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/typed-client');

describe('examples/typed-client', () => {
  it('has up-to-date generated types (graphql-codegen against schema/ and schema/portal/)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codegen-'));
    try {
      const config = readFileSync(join(EXAMPLE, 'codegen.yml'), 'utf8').replace('examples/typed-client/src/generated.ts:', `${join(dir, 'generated.ts')}:`);
      writeFileSync(join(dir, 'codegen.yml'), config);
      execFileSync(join(ROOT, 'node_modules/.bin/graphql-codegen'), ['--config', join(dir, 'codegen.yml'), '--silent'], { cwd: ROOT, stdio: 'pipe' });
      expect(readFileSync(join(dir, 'generated.ts'), 'utf8')).toBe(readFileSync(join(EXAMPLE, 'src/generated.ts'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('type-checks', () => {
    const out = (() => {
      try {
        execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(EXAMPLE, 'tsconfig.json')], { cwd: ROOT, stdio: 'pipe' });
        return '';
      } catch (e) {
        return String((e as { stdout?: Buffer }).stdout ?? e);
      }
    })();
    expect(out).toBe('');
  });

  describe('against a gateway', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ emulator: { seed: { ...SMALL_SEED, cars: 20 } as typeof SMALL_SEED } });
    });
    afterAll(() => gw.close());

    it('reads cars with their drivers, searches them by color, and reads contacts with their cars', async () => {
      const cars = await carsWithDrivers(gw.url, 5);
      expect(cars).toHaveLength(5);
      for (const car of cars) {
        expect(car.vin).toMatch(/^[A-Z0-9]{17}$/);
        expect(['black', 'white', 'silver', 'blue', 'red', 'green']).toContain(car.color);
        expect(Array.isArray(car.features)).toBe(true);
      }
      const red = await recentCarsByColor(gw.url, 'red');
      expect(red.cars.every((c) => c.color === 'red')).toBe(true);
      expect(red.total).toBeGreaterThanOrEqual(red.cars.length);
      const drivers = await driversWithCars(gw.url, 30);
      expect(drivers.some((d) => d.cars.length > 0)).toBe(true);
    });

    it('registers a car through the typed mutation input', async () => {
      const data = await request(gw.url, RegisterCarDocument, { input: { properties: { vin: 'EXAMPLEVIN0000001', color: 'silver', features: ['sunroof', 'tow_hitch'] } } });
      expect(data.carCreate.userErrors).toEqual([]);
      expect(data.carCreate.car).toMatchObject({ vin: 'EXAMPLEVIN0000001', color: 'silver', features: ['sunroof', 'tow_hitch'] });
    });
  });
});
