export {};
declare global {
  interface Window {
    /** Dynamic import provided by the test pages (see blank.html). */
    load(path: string): Promise<any>;
  }
}
