/**
 * Has a reply changed topic? Compares the reply's normalised subject with the ticket's by their
 * topic words (see topic-words.ts): an added word ("urgent"), a typo or a shortened word keeps
 * the similarity high; only a subject sharing too little with the ticket's, by the measured
 * `topics.splitThreshold`, counts as a new topic. Chasers and attachment notes ("any news?",
 * "screenshot") are never a new topic, nor is an empty or unchanged subject.
 */
import { subjectKey } from '../parse/normalize-subject.js';
import { CONTINUATION, topicWords, wordContainment } from './topic-words.js';

export interface TopicChange {
  changed: boolean;
  similarity: number;
}

export function isTopicChange(ticketSubject: string, replySubject: string, threshold: number): TopicChange {
  const before = subjectKey(ticketSubject);
  const after = subjectKey(replySubject);
  if (!after || after === before) return { changed: false, similarity: 1 };
  const newWords = topicWords(after);
  if (newWords.length === 0 || newWords.every((word) => CONTINUATION.has(word))) return { changed: false, similarity: 1 };
  const similarity = wordContainment(topicWords(before), newWords);
  return { changed: similarity < threshold, similarity: Number(similarity.toFixed(2)) };
}
