/**
 * Does a first message hold several independent requests, which would be better as separate
 * tickets? The message is cut into requests: a paragraph or list item that asks something
 * (a question, "could you", "pouvez-vous") or states a problem ("does not", "ne … plus",
 * "twice"). Context (steps tried, details, a problem explained before the question) joins the
 * request it leads to; a paragraph opening with a switch ("Also,", "Another question",
 * "Par ailleurs", "Autre chose") starts a new request. Requests that share a topic word are one
 * topic; the message is multi-topic when two or more topics remain. Tuned for few false alarms:
 * a hint that annoys a customer with one question costs more than one missed.
 */
import { topicWords, wordContainment, wordsMatch } from './topic-words.js';

const ASK = new RegExp(
  [
    '\\?',
    '\\b(could you|can you|would you|can we|can i|do you|please|we would like|i would like|we want|i need|we need|is it possible|how (do|can|to))\\b',
    '\\b(pouvez|pourriez|pourrais|proposez|merci de|je souhait|nous souhait|nous voulons|je voudrais|nous voudrions|je dois|est-il possible|comment)\\b',
    "\\bmerci d['’](?!avance)",
    '(подскажите|можно ли|помогите|нужно|хотим|хочу|как\\s)',
  ].join('|'),
  'i',
);
const PROBLEM = new RegExp(
  [
    "\\b(not|never|no longer|stopped|cannot|can't|doesn't|don't|isn't|won't|errors?|fail(s|ed)?|broken|missing|disappeared|wrong|incorrect|twice|refused|declined|blank)\\b",
    '\\bne\\b[^.?!]*\\b(pas|plus)\\b',
    "\\bn['’]\\S*\\s+(pas|plus)\\b",
    '(erreur|erron|disparu|manqu|mauvaise?|refus|bloqu|deux fois|en double|page blanche)',
    '(не\\s|перестал|ошибк|сломал|пропал|дважды)',
  ].join('|'),
  'i',
);
/** Opening words that switch to another request, at the start of a paragraph or sentence. */
const SWITCH = new RegExp(
  '^(' +
    [
      'also',
      'another question',
      'one more thing',
      'separately',
      'on another note',
      "and while i'?m (writing|at it)",
      'by the way',
      'btw',
      'first(ly)?',
      'second(ly)?',
      'third(ly)?',
      'finally',
      '(an)?other (thing|question|subject|topic)',
      'on a different (subject|topic|note)',
      'autre (question|chose|point|sujet)',
      'par la m[eê]me occasion',
      'par ailleurs',
      "d['’]autre part",
      'sinon',
      'premi[eè]rement',
      'deuxi[eè]mement',
      'troisi[eè]mement',
      'enfin',
      'et pendant que je vous [ée]cris',
      "j['’]en profite",
      'de plus',
      'derni[eè]re chose',
      'en outre',
      'также',
      'кроме того',
      'ещ[её] (один )?вопрос',
      'и ещ[её]',
    ].join('|') +
    ')(?![\\p{L}])',
  'iu',
);
/** Openings that continue the previous request ("And can we…", "If so, …", "Si oui, …"). */
const FOLLOW_UP = /^(and|it|this|that|they|them|if so|if yes|et|cela|ça|ca|il|elle|ils|elles|ce|cette|si oui|и|это|если да)(?![\p{L}])/iu;
const LIST_ITEM = /^\s*(\d{1,2}[.)]|[a-h][.)]|[-*•–])\s+/;

export interface MultiTopicResult {
  multiTopic: boolean;
  /** The requests found, each as its topic words (for the decisions log). */
  topics: string[][];
}

interface Request {
  text: string;
  /** An item of an enumeration: the customer's own separate point, merged only on a strong overlap. */
  listed: boolean;
}

export function detectMultipleTopics(text: string): MultiTopicResult {
  const requests = splitRequests(text)
    .map((request) => ({ words: topicWords(request.text), listed: request.listed }))
    .filter((request) => request.words.length >= 2);
  const topics: { words: string[]; listed: boolean }[] = [];
  for (const request of requests) {
    const same = topics.find((topic) =>
      request.listed && topic.listed ? wordContainment(topic.words, request.words) >= 0.5 : topic.words.some((word) => request.words.some((other) => wordsMatch(word, other))),
    );
    if (same) same.words.push(...request.words.filter((word) => !same.words.includes(word)));
    else topics.push({ words: [...request.words], listed: request.listed });
  }
  return { multiTopic: topics.length >= 2, topics: topics.map((topic) => topic.words) };
}

function splitRequests(text: string): Request[] {
  const requests: Request[] = [];
  const add = (request: string, listed = false) => requests.push({ text: request, listed });
  let context = '';
  for (const paragraph of paragraphsAndSwitches(text)) {
    const lines = paragraph.split('\n');
    const items = lines.filter((line) => LIST_ITEM.test(line));
    if (items.length >= 2) {
      const asks = items.filter((item) => ASK.test(item) || PROBLEM.test(item));
      if (asks.length >= 2) {
        for (const ask of asks) add(ask, true);
        continue;
      }
    }
    const trimmed = paragraph.trim().replace(LIST_ITEM, '');
    if (SWITCH.test(trimmed)) {
      if (PROBLEM.test(context)) add(context);
      context = '';
      add(trimmed);
    } else if (ASK.test(trimmed)) {
      const previous = requests.at(-1);
      if (FOLLOW_UP.test(trimmed) && !context && previous) previous.text += `\n${trimmed}`;
      else add(`${context}\n${trimmed}`);
      context = '';
    } else {
      context += `\n${trimmed}`;
    }
  }
  if (PROBLEM.test(context)) add(context);
  return requests;
}

/** Paragraphs, with a paragraph cut again where a sentence inside it opens with a switch. */
function paragraphsAndSwitches(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .flatMap((paragraph) => (paragraph.split('\n').some((line) => LIST_ITEM.test(line)) ? [paragraph] : paragraph.split(/(?<=[.?!])\s+(?=\S)/).reduce<string[]>((parts, sentence) => {
      const last = parts.length - 1;
      if (last >= 0 && !SWITCH.test(sentence.trim())) parts[last] += ` ${sentence}`;
      else parts.push(sentence);
      return parts;
    }, [])));
}
