import { Router } from 'express';

// Placeholder: being written now.
export function associationRoutes(): Router {
  return Router();
}
