import type { PropertyDefinition } from './defaultProperties';
import type { ObjectTypeInfo } from './objectTypes';
import type { Portal } from './store';

type Options = PropertyDefinition['options'];

/**
 * The options of an enumeration property as HubSpot presents them: most are stored on the definition, but
 * pipeline and stage properties list the portal's pipelines and stages, and owner properties its owners.
 * Used both to validate written values and to answer the Properties API.
 */
export function effectiveOptions(portal: Portal, type: ObjectTypeInfo, def: PropertyDefinition): Options {
  const pipelines = [...(portal.pipelines.get(type.id)?.values() ?? [])].filter((p) => !p.archived);
  const isPipeline = (type.id === '0-3' && def.name === 'pipeline') || (type.id === '0-5' && def.name === 'hs_pipeline');
  const isStage = (type.id === '0-3' && def.name === 'dealstage') || (type.id === '0-5' && def.name === 'hs_pipeline_stage');
  if (isPipeline) return pipelines.map((p) => ({ label: p.label, value: p.id, displayOrder: p.displayOrder, hidden: false }));
  if (isStage) {
    return pipelines.flatMap((p) =>
      p.stages.filter((s) => !s.archived).map((s) => ({ label: s.label, value: s.id, displayOrder: s.displayOrder, hidden: false, description: `${p.label}` })),
    );
  }
  if (def.referencedObjectType === 'OWNER') {
    return portal.owners
      .filter((o) => !o.archived)
      .map((o, i) => ({ label: `${o.firstName} ${o.lastName}`.trim() || o.email, value: o.id, displayOrder: i, hidden: false }));
  }
  return def.options;
}

/** A property as the APIs show it: enumeration options resolved (pipelines, stages, owners), no shared references. */
export function renderProperty(portal: Portal, type: ObjectTypeInfo, def: PropertyDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone({ ...def, options: effectiveOptions(portal, type, def) });
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}
