/** @deprecated The banner is set by the one access guard: import from web/guards. */
export { setActingForBanner, type ActingForBanner } from '../guards';
