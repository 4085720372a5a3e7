import { Router } from 'express';
import { accountRoutes } from './account';
import { associationRoutes } from './associations';
import { fileRoutes } from './files';
import { objectRoutes } from './objects';
import { ownerRoutes } from './owners';
import { pipelineRoutes } from './pipelines';
import { propertyRoutes } from './properties';
import { schemaRoutes } from './schemas';

/** Every HubSpot API family the emulator implements, each in its own module. */
export function hubspotRoutes(): Router {
  const router = Router();
  router.use(accountRoutes());
  router.use(objectRoutes());
  router.use(associationRoutes());
  router.use(pipelineRoutes());
  router.use(propertyRoutes());
  router.use(schemaRoutes());
  router.use(ownerRoutes());
  router.use(fileRoutes());
  return router;
}
