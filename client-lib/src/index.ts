// @mutual/client: the offline-first RxDB client arrives with its own issue (#6).
export {};
