import type { HubSpotClient } from '../hubspot/client';
import { AssociationLoader } from './associations';
import { ObjectLoader } from './objects';

/** The loaders of one request: one per object type and one per association pair, made on first use. */
export class Loaders {
  private readonly objects = new Map<string, ObjectLoader>();
  private readonly associationLoaders = new Map<string, AssociationLoader>();

  constructor(private readonly client: HubSpotClient) {}

  object(objectType: string): ObjectLoader {
    let l = this.objects.get(objectType);
    if (!l) this.objects.set(objectType, (l = new ObjectLoader(this.client, objectType)));
    return l;
  }

  associations(fromObjectType: string, toObjectType: string): AssociationLoader {
    const key = `${fromObjectType}|${toObjectType}`;
    let l = this.associationLoaders.get(key);
    if (!l) this.associationLoaders.set(key, (l = new AssociationLoader(this.client, fromObjectType, toObjectType)));
    return l;
  }
}
