/** @deprecated The retailer's identity is plain data: import from domain/retailer. */
export { retailer } from '../domain/retailer';
