import { expect } from 'chai';
import { canDownloadDocument, visibleDocuments, type DownloadCheck } from '../../src/domain/document-access';

describe('document access (issue 6 item 6)', () => {
  const none = { read: false, manageContacts: false };
  const read = { read: true, manageContacts: false };
  const manage = { read: true, manageContacts: true };
  const cases: [string, DownloadCheck, boolean][] = [
    ['the uploader, an authorised contact', { userId: 7, uploaderId: 7, customerAccess: read, isStaff: false }, true],
    ['the representative (or holder), not the uploader', { userId: 8, uploaderId: 7, customerAccess: manage, isStaff: false }, true],
    ['another authorised contact of the customer', { userId: 9, uploaderId: 7, customerAccess: read, isStaff: false }, false],
    ['a gestoría acting for the customer', { userId: 9, uploaderId: 7, customerAccess: read, isStaff: false }, false],
    ['an unrelated user', { userId: 10, uploaderId: 7, customerAccess: none, isStaff: false }, false],
    ['the uploader without access to the customer (a claim not yet approved)', { userId: 7, uploaderId: 7, customerAccess: none, isStaff: false }, false],
    ['the previous representative after the roles swapped (now a contact)', { userId: 8, uploaderId: 7, customerAccess: read, isStaff: false }, false],
    ['the holder when the uploader was deleted', { userId: 9, uploaderId: null, customerAccess: manage, isStaff: false }, true],
    ['a contact when the uploader was deleted', { userId: 9, uploaderId: null, customerAccess: read, isStaff: false }, false],
    ['an administrator', { userId: null, uploaderId: 7, customerAccess: none, isStaff: true }, true],
    ['nobody logged in', { userId: null, uploaderId: 7, customerAccess: none, isStaff: false }, false],
  ];
  for (const [label, check, allowed] of cases) it(`${label} → ${allowed ? 'may download' : 'not found'}`, () => expect(canDownloadDocument(check)).to.equal(allowed));

  it('lists only the documents the viewer may download, in order', () => {
    const docs = [{ id: 1, uploaded_by: 7 }, { id: 2, uploaded_by: 8 }, { id: 3, uploaded_by: null }, { id: 4, uploaded_by: 7 }];
    expect(visibleDocuments(docs, { userId: 7, customerAccess: read, isStaff: false }).map((d) => d.id)).to.deep.equal([1, 4]);
    expect(visibleDocuments(docs, { userId: 9, customerAccess: manage, isStaff: false }).map((d) => d.id)).to.deep.equal([1, 2, 3, 4]);
    expect(visibleDocuments(docs, { userId: 9, customerAccess: read, isStaff: false })).to.deep.equal([]);
  });
});
