/**
 * The CLI's way to post (quantgate comment, quantgate aggregate --pr): the sticky comment of
 * src/github/comment.ts (helper `bot`), reached from the CLI through this one function.
 * NOT WIRED YET: replaced once comment.ts lands (see the branch history).
 */
import type { PostComment } from '../commands/comment-target.js';

export const postComment: PostComment = async () => {
  throw new Error('posting is not wired yet: src/github/comment.ts has not landed');
};
