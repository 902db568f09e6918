import { Router } from 'express';
import type { AppDeps } from '../../deps';
import { sandboxGatewayRoutes } from '../../web/dev/sandbox-gateway';
import { readingRoutes } from './readings';
import { paymentRoutes } from './payments';
import { accountChangeRoutes } from './account-changes';
import { complaintRoutes } from './complaints';
import { productChangeRoutes } from './product-change';
import { cancellationRoutes } from './cancellation';
import { holderChangeRoutes, holderConsentRoutes } from './holder-change';

/** The self-service operations of a contract; each creates a tracked request. */
export function gestionesRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(readingRoutes(deps));
  router.use(paymentRoutes(deps));
  router.use(accountChangeRoutes(deps));
  router.use(complaintRoutes(deps));
  router.use(productChangeRoutes(deps));
  router.use(cancellationRoutes(deps));
  router.use(holderChangeRoutes(deps));
  router.use(holderConsentRoutes(deps));
  // the stand-in for the bank's payment page (development and tests, never in production)
  router.use(sandboxGatewayRoutes(deps));
  return router;
}
