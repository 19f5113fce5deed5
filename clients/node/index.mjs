// The ES module entry point: the same objects as the CommonJS one (lib/client.cjs),
// so `instanceof CronicleError` holds whichever way the package was loaded.
import client from './lib/client.cjs';

export const { Client, CronicleError, Paginated, VERSION, DEFAULT_URL } = client;
export default Client;
