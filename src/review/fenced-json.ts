const FENCED = /```(?:json)?[^\S\n]*\r?\n([\s\S]*?)\r?\n?[^\S\n]*```/g;

/**
 * The fenced code blocks of a model's reply (```json or bare ```), last first: where models put
 * the structured part of an answer. Each with where it sits in the text.
 */
export function fencedBlocks(text: string): { body: string; index: number; length: number }[] {
  return [...text.matchAll(FENCED)]
    .map((m) => ({ body: m[1] ?? "", index: m.index, length: m[0].length }))
    .reverse();
}
