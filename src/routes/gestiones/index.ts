import { Router } from 'express';
import { readingRoutes } from './readings';
import { paymentRoutes } from './payments';
import { accountChangeRoutes } from './account-changes';
import { complaintRoutes } from './complaints';

/** The self-service operations of a contract; each creates a tracked request. */
export function gestionesRoutes(): Router {
  const router = Router();
  router.use(readingRoutes());
  router.use(paymentRoutes());
  router.use(accountChangeRoutes());
  router.use(complaintRoutes());
  return router;
}
