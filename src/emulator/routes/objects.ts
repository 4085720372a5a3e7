import { Router } from 'express';

// Placeholder: being written now.
export function objectRoutes(): Router {
  return Router();
}
