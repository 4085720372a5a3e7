import { Router } from 'express';

// Placeholder: being written now.
export function ownerRoutes(): Router {
  return Router();
}
