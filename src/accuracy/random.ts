/**
 * A small seeded generator for the bootstrap: the same seed gives the same stream on every
 * machine and Node version (Math.random cannot be seeded). xoshiro128** (Blackman and Vigna),
 * seeded through splitmix32 so that nearby seeds give unrelated streams.
 */

export interface Random {
  /** Uniform in the open interval (0, 1), 32 bits of resolution. */
  uniform(): number;
}

export function seededRandom(seed: number): Random {
  let x = seed >>> 0;
  const splitmix = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  if ((a | b | c | d) === 0) a = 1;
  return {
    uniform(): number {
      const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      return (result + 0.5) / 4294967296;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
