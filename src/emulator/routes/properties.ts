import { Router } from 'express';

// Placeholder: being written now.
export function propertyRoutes(): Router {
  return Router();
}
