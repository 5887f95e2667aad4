// What the UI needs to know about each service: names, where keys come from, what it can make,
// and how its name reads inside a sentence.

/**
 * name: the service as a label ("Presenton (self-hosted)"); subject: as it reads in a sentence
 * ("your Presenton server"); looks: what its looks are called.
 * @type {Object<string, {name: string, short: string, subject: string, keyUrl: string|null, keyHow: string, accountUrl: string|null, formats: string[], look: "themes"|"templates", lookWord: string, selfHosted: boolean}>}
 */
export const PROVIDERS = {
  gamma: {
    name: "Gamma",
    short: "Gamma",
    subject: "Gamma",
    keyUrl: "https://gamma.app/settings",
    keyHow: "You need a Gamma Pro, Ultra, Teams or Business plan. In Gamma, open Settings → API Keys and create a key.",
    accountUrl: "https://gamma.app/settings/billing",
    formats: ["pptx", "pdf", "png"],
    look: "themes",
    lookWord: "theme",
    selfHosted: false,
  },
  presenton: {
    name: "Presenton",
    short: "Presenton",
    subject: "Presenton",
    keyUrl: "https://presenton.ai/api-key",
    keyHow: "Sign in at presenton.ai and create an API key (it starts with sk-presenton-).",
    accountUrl: "https://presenton.ai",
    formats: ["pptx", "pdf"],
    look: "templates",
    lookWord: "template",
    selfHosted: false,
  },
  "presenton-self": {
    name: "Presenton (self-hosted)",
    short: "My own Presenton server",
    subject: "your Presenton server",
    keyUrl: null,
    keyHow: "If you or your company run Presenton yourselves, enter the server's address, and a key or password if it asks for one.",
    accountUrl: null,
    formats: ["pptx", "pdf"],
    look: "templates",
    lookWord: "template",
    selfHosted: true,
  },
};

export const FORMAT_LABELS = {
  pptx: "PowerPoint",
  pdf: "PDF",
  png: "PNG images",
};

export function providerName(id) {
  return (PROVIDERS[id] && PROVIDERS[id].name) || id;
}

/** The service inside a sentence: "Gamma", "your Presenton server". */
export function providerSubject(id) {
  return (PROVIDERS[id] && PROVIDERS[id].subject) || providerName(id);
}

/** The same at the start of a sentence: "Your Presenton server". */
export function ProviderSubject(id) {
  const s = providerSubject(id);
  return s.charAt(0).toUpperCase() + s.slice(1);
}
