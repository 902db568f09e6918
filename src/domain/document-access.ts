import type { Access } from './access';

/**
 * Who sees an uploaded document (issue 6 item 6): staff (admin section), the person who
 * uploaded it while they can still see the customer, and whoever manages the customer's
 * contacts (the holder or the company's representative). Other contacts, gestorías acting
 * for the customer and everybody else do not — and are told "not found". Pure.
 */
export interface DownloadCheck {
  /** The logged-in customer-area user, or null for staff or nobody. */
  userId: number | null;
  uploaderId: number | null;
  /** The user's access to the document's customer (from the access table). */
  customerAccess: Pick<Access, 'read' | 'manageContacts'>;
  isStaff: boolean;
}

export function canDownloadDocument(c: DownloadCheck): boolean {
  if (c.isStaff) return true;
  if (c.userId === null) return false;
  if (c.customerAccess.manageContacts) return true;
  return c.uploaderId !== null && c.uploaderId === c.userId && c.customerAccess.read;
}

/** The documents of one customer (e.g. of a request) that the viewer may download, in order. */
export function visibleDocuments<D extends { uploaded_by: number | null }>(
  docs: readonly D[], viewer: Omit<DownloadCheck, 'uploaderId'>,
): D[] {
  return docs.filter((d) => canDownloadDocument({ ...viewer, uploaderId: d.uploaded_by }));
}
