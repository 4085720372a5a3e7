import type { HubSpotClient } from '../hubspot/client';
import { AssociationLoader } from './associations';
import { ObjectLoader } from './objects';
import { BatchScheduler } from './scheduler';

/**
 * The loaders of one request: one per object type and one per association pair, made on first use. They share
 * one scheduler, so the loads of one query level are sent together (see BatchScheduler).
 */
export class Loaders {
  private readonly objects = new Map<string, ObjectLoader>();
  private readonly associationLoaders = new Map<string, AssociationLoader>();
  private readonly scheduler = new BatchScheduler();

  constructor(private readonly client: HubSpotClient) {}

  object(objectType: string): ObjectLoader {
    let l = this.objects.get(objectType);
    if (!l) this.objects.set(objectType, (l = new ObjectLoader(this.client, objectType, this.scheduler)));
    return l;
  }

  associations(fromObjectType: string, toObjectType: string): AssociationLoader {
    const key = `${fromObjectType}|${toObjectType}`;
    let l = this.associationLoaders.get(key);
    if (!l) this.associationLoaders.set(key, (l = new AssociationLoader(this.client, fromObjectType, toObjectType, this.scheduler)));
    return l;
  }

  /**
   * Runs a read made outside the loaders (a list, a search, a lookup by unique property) as part of the current
   * level, so the loads its records cause are sent with those of the other branches of the query.
   */
  track<T>(read: () => Promise<T>): Promise<T> {
    return this.scheduler.track(read);
  }
}
