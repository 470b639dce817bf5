import { describe, expect, it } from 'vitest';
import { Averager } from '../src/averager.js';
import { gpuFields, networkDelta, parseProcNetDev, readDisk, readMemory } from '../src/readings.js';

describe('Averager', () => {
  it('returns each field’s sum divided by its own count', () => {
    const a = new Averager();
    a.add({ ram_percent: 10, gpu_percent: 50 });
    a.add({ ram_percent: 20 }); // the GPU read failed once: it must not dilute gpu_percent
    a.add({ ram_percent: 30, gpu_percent: 70, bad: Number.NaN });
    expect(a.samples).toBe(3);
    expect(a.average()).toEqual({ ram_percent: 20, gpu_percent: 60 });
  });

  it('rounds to 3 decimals and is empty before any sample', () => {
    expect(new Averager().average()).toEqual({});
    const a = new Averager();
    a.add({ x: 1 / 3 });
    expect(a.average()).toEqual({ x: 0.333 });
  });
});

describe('readings', () => {
  it('parses /proc/net/dev: receive is the first column, transmit the ninth, summed over interfaces', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:   53390     782    0    0    0     0          0         0    53390     782    0    0    0     0       0          0',
      '  eth0: 279286505  9182    0    0    0     0          0         0   728001    7036    0    0    0     0       0          0',
      '',
    ].join('\n');
    expect(parseProcNetDev(text)).toEqual({ recv: 53390 + 279286505, sent: 53390 + 728001 });
    expect(parseProcNetDev('nothing here')).toBeUndefined();
  });

  it('network deltas are left out when a counter went backwards', () => {
    expect(networkDelta({ sent: 10, recv: 20 }, { sent: 15, recv: 26 })).toEqual({ bytes_sent: 5, bytes_recv: 6 });
    expect(networkDelta({ sent: 10, recv: 20 }, { sent: 5, recv: 26 })).toEqual({});
    expect(networkDelta(undefined, { sent: 5, recv: 26 })).toEqual({});
  });

  it('GPU fields: mean utilisation and summed memory of the GPUs that report them; nothing without one', () => {
    const nvidia = [
      { vendor: 'NVIDIA', utilizationGpu: 40, memoryUsed: 1000 },
      { vendor: 'NVIDIA', utilizationGpu: 80, memoryUsed: 3000 },
      { vendor: 'Intel', utilizationGpu: null, memoryUsed: null }, // an integrated GPU reports neither
    ];
    expect(gpuFields(nvidia)).toEqual({ gpu_percent: 60, gpu_memory_mb: 4000 });
    expect(gpuFields([{ memoryUsed: 512 }])).toEqual({ gpu_memory_mb: 512 });
    expect(gpuFields([])).toEqual({});
    expect(gpuFields(undefined)).toEqual({});
  });

  it('memory and disk readings are percentages; an unreadable disk is left out', async () => {
    const memory = await readMemory();
    for (const key of ['ram_percent', 'p_memory_percent']) {
      expect(memory[key], key).toBeGreaterThan(0);
      expect(memory[key], key).toBeLessThan(100);
    }
    const disk = readDisk('/').disk_percent!;
    expect(disk).toBeGreaterThan(0);
    expect(disk).toBeLessThan(100);
    expect(readDisk('/no/such/path/anywhere')).toEqual({});
  });
});
