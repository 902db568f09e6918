import type { RequestHandler } from 'express';

/**
 * Nothing the app renders may be kept by the browser or a proxy: logged-in pages, CSVs, PDFs
 * and ZIPs hold personal data (after logout, Back must not show them), and the public forms
 * carry the session's CSRF token. Only the fingerprinted assets under /static are cacheable.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
