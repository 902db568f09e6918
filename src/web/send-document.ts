/** @deprecated The download headers belong to the web kit: import from web/download. */
export { sendDocument } from '../web/download';
