// The entry bundled into the design document's `validate_doc_update`: nothing else.
export { validateDocUpdate } from './validate-doc-update.js';
