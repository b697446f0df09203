import { createMemoryStore } from '../../src/store/memory-store.ts';
import { describeResultStoreContract } from './result-store.contract.ts';

describeResultStoreContract('memory', () => Promise.resolve({ store: createMemoryStore() }));
