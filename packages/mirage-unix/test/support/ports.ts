// The free-port helper lives in the shared test-support package (the dns tests use it too).
export { freePort } from "@mirage-ts/test-support";
