import packageJson from "../package.json" with { type: "json" };

/** Baton's version, as package.json states it. */
export const BATON_VERSION: string = packageJson.version;
