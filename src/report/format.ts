/** The one formatter of every surface lives in the lowest layer (src/model/format.ts) so that the analyses' and signals' sentences use it too. */
export * from '../model/format.ts';
