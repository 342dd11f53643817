import { MemoryTransport } from '../../src/transport/memory.js';
import { testTransport } from './contract.js';

let counter = 0;
testTransport('memory', async () => {
  const name = `contract-${++counter}`;
  const printer = MemoryTransport.createPrinter(name);
  return {
    transport: new MemoryTransport(name),
    backpressureBytes: 1024,
    peer: async () => ({
      waitForBytes: (length) => printer.waitForBytes(length),
      send: async (bytes) => printer.emitData(bytes),
      pauseReading: () => printer.pause(),
      resumeReading: () => printer.resume(),
      drop: async () => printer.drop(),
    }),
    cleanup: async () => MemoryTransport.reset(),
  };
});
