/**
 * A typed client of the gateway's portal schema. Start the gateway (`npm start`: the demo portal has the `cars`
 * custom object), then: npx tsx examples/typed-client/src/index.ts [http://127.0.0.1:4000/graphql]
 */
import { request } from './client';
import { CarsWithDriversDocument, DriversWithCarsDocument, RecentCarsByColorDocument, type CarColor } from './generated';

/** Cars with their first driver: `color` is the `CarColor` enum, `features` a list of `CarFeatures`. */
export async function carsWithDrivers(url: string, first = 5) {
  const data = await request(url, CarsWithDriversDocument, { first });
  return data.cars.nodes.map((car) => ({
    vin: car.vin,
    label: [car.year, car.make, car.color].filter((x) => x !== null).join(' '),
    color: car.color satisfies CarColor | null,
    features: car.features ?? [],
    driver: car.contacts.nodes[0]?.email ?? null,
  }));
}

export async function recentCarsByColor(url: string, color: CarColor, first = 5) {
  const data = await request(url, RecentCarsByColorDocument, { color, first });
  return { total: data.searchCars.totalCount, cars: data.searchCars.nodes };
}

export async function driversWithCars(url: string, first = 5) {
  const data = await request(url, DriversWithCarsDocument, { first });
  return data.contacts.nodes.map((c) => ({ email: c.email, cars: c.cars.nodes.map((n) => n?.vin ?? null) }));
}

if (require.main === module) {
  const url = process.argv[2] ?? 'http://127.0.0.1:4000/graphql';
  carsWithDrivers(url)
    .then(async (cars) => {
      console.table(cars);
      console.log(await recentCarsByColor(url, 'red'));
    })
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    });
}
