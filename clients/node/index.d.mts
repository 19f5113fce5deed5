// Types of the ES module entry point: the same declarations as the CommonJS one.
export * from './index.js';
import { Client } from './index.js';
export default Client;
