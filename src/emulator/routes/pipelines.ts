import { Router } from 'express';

// Placeholder: being written now.
export function pipelineRoutes(): Router {
  return Router();
}
