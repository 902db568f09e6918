import { Router } from 'express';

// Being written now; replaced by the real routes of this gestión.
export function readingRoutes(): Router {
  return Router();
}
