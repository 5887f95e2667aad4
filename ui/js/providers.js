// What the UI needs to know about each service: names, where keys come from, what it can make.

/** @type {Object<string, {name: string, short: string, keyUrl: string|null, keyHow: string, accountUrl: string|null, formats: string[], look: "themes"|"templates", selfHosted: boolean}>} */
export const PROVIDERS = {
  gamma: {
    name: "Gamma",
    short: "Gamma",
    keyUrl: "https://gamma.app/settings",
    keyHow: "You need a Gamma Pro, Ultra, Teams or Business plan. In Gamma, open Settings → API Keys and create a key.",
    accountUrl: "https://gamma.app/settings/billing",
    formats: ["pptx", "pdf", "png"],
    look: "themes",
    selfHosted: false,
  },
  presenton: {
    name: "Presenton",
    short: "Presenton",
    keyUrl: "https://presenton.ai/api-key",
    keyHow: "Sign in at presenton.ai and create an API key (it starts with sk-presenton-).",
    accountUrl: "https://presenton.ai",
    formats: ["pptx", "pdf"],
    look: "templates",
    selfHosted: false,
  },
  "presenton-self": {
    name: "Presenton (self-hosted)",
    short: "your Presenton server",
    keyUrl: null,
    keyHow: "If you or your company run Presenton yourselves, enter the server's address in Settings, and a key or password if it asks for one.",
    accountUrl: null,
    formats: ["pptx", "pdf"],
    look: "templates",
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
