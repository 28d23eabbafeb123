/**
 * The words that carry a topic, for comparing subjects and paragraphs: lower-case, accents
 * removed, stop words of our users' languages (en, fr, de, es, it, ru) and helpdesk filler
 * ("problem", "question", "urgent", "please") left out, plural -s dropped. Two words match when
 * equal, when they share a stem (a common start of five letters or more covering three quarters
 * of the shorter word: synchro / synchronisation), or when one letter differs or two are swapped
 * (a typo) in words of five letters or more.
 */

const STOP = new Set(
  (
    // English
    'a an the and or but if of to in on at by for with from as is are was were be been being it its this that these those ' +
    'i we you he she they me us him her them my our your their mine ours do does did done have has had can could would should ' +
    'will shall may might must not no yes so than then there here what which who whom whose when where why how all any some ' +
    'each every more most other such only own same too very just also again still since after before about into over under ' +
    'up down out off am get got hi hello dear thanks thank regards best kind cheers team support ' +
    // French
    'le la les un une des du de d l au aux et ou mais si ne pas plus que qui quoi dont ou où ce cet cette ces se sa son ses ' +
    'leur leurs nos notre vos votre mes mon ma je tu il elle on nous vous ils elles me te lui y en est sont etait été être avoir ' +
    'a ai as avons avez ont fait faire peut peux pouvez pourriez pourrait comment pourquoi quand quel quelle quels quelles ' +
    'par pour avec sans sur sous dans chez entre depuis pendant aussi encore tres très bien merci bonjour bonsoir cordialement ' +
    'madame monsieur salut equipe équipe svp sil plait ça ca cela c j n s qu m t ' +
    // German, Spanish, Italian
    'der die das und oder nicht ist sind ein eine mit von zu für auf bitte danke hallo el los las y o es son con por para una ' +
    'gracias hola il lo gli e di che per con non una grazie ciao ' +
    // Russian
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет о ' +
    'из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей ' +
    'может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот ' +
    'здравствуйте спасибо пожалуйста'
  ).split(/\s+/),
);

/** Words that say something about the request, not what it is about. */
const FILLER = new Set(
  (
    'problem problems issue issues question questions help request urgent asap important quick small new old please ' +
    'probleme problemes question questions demande aide urgent urgence important petit petite nouveau nouvelle ' +
    'problem frage hilfe dringend problema pregunta ayuda urgente domanda aiuto проблема вопрос срочно помощь'
  ).split(/\s+/),
);

/** Words that say a message continues a conversation: chasers and attachments (stemmed like topic words). */
export const CONTINUATION: ReadonlySet<string> = new Set(
  (
    'news update updates follow followup reminder status screenshot screenshots capture attachment attachments file files ' +
    'photo photos document documents info information details precision precisions complement suite relance rappel ' +
    'nouvelles piece pieces jointe jointes fichier fichiers ecran'
  )
    .split(/\s+/)
    .map(stem),
);

function stem(word: string): string {
  return word.length > 4 && /[sx]$/.test(word) ? word.slice(0, -1) : word;
}

export function topicWords(text: string): string[] {
  const words = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 2 && !STOP.has(word) && !FILLER.has(word) && !/^\d{1,2}$/.test(word));
  return [...new Set(words.map(stem))];
}

export function wordsMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let common = 0;
  while (common < short.length && short[common] === long[common]) common++;
  // Same stem: rembourser / remboursement, account / accounting, synchro / synchronisation.
  if (common >= 5 && common >= 0.75 * short.length) return true;
  return short.length >= 5 && long.length - short.length <= 1 && isOneEditApart(short, long);
}

/** One substitution, insertion, deletion, or swap of neighbours (Damerau). */
function isOneEditApart(a: string, b: string): boolean {
  if (a.length === b.length) {
    const diffs = [...a].flatMap((char, index) => (char === b[index] ? [] : [index]));
    if (diffs.length === 1) return true;
    const [first, second] = diffs;
    return diffs.length === 2 && first !== undefined && second === first + 1 && a[first] === b[second] && a[second] === b[first];
  }
  let index = 0;
  while (index < a.length && a[index] === b[index]) index++;
  return a.slice(index) === b.slice(index + 1);
}

/** Share of the smaller word set found in the other (1 when a subject only gained words). */
export function wordContainment(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 1;
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const found = small.filter((word) => large.some((other) => wordsMatch(word, other))).length;
  return found / small.length;
}
