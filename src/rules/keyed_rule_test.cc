// Keyed rules: `context` + `secret` expand into one pattern that finds the value in every
// assignment syntax, and the name decides whether a value next to a provider word is its
// secret (a key) or something else (a commit, a checksum, an id).
#include "keyed_rule.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "hs_database.h"
#include "matcher.h"
#include "rule_set.h"
#include "testing.h"

using namespace keyward;

namespace {

RuleSet load(const std::string& text) {
  std::vector<Rule> rules;
  auto st = RuleSet::parse_file(text, "keyed.toml", rules);
  if (st) FAIL(st->message);
  RuleSet set;
  for (auto& r : rules) REQUIRE_FALSE(set.add(r));
  return set;
}

const char* kRules = R"([[rules]]
id = "cohere"
description = "40 alnum next to cohere"
context = ["cohere", "co_api_key"]
secret = '[A-Za-z0-9]{40}'

[[rules]]
id = "kaggle"
description = "32 hex next to kaggle"
context = ["kaggle"]
secret = '[0-9a-f]{32}'

[[rules]]
id = "wandb"
description = "40 hex next to wandb"
context = ["wandb"]
secret = '[0-9a-f]{40}'

[[rules]]
id = "modal-id"
description = "a token id that is a secret"
context = ["modal"]
secret = 'ak-[A-Za-z0-9]{22}'
name_allow = ["id"]

[[rules]]
id = "algolia-admin"
description = "names with a word the negation list holds in the context itself"
context = ["algolia_admin_key", "algolia"]
secret = '[0-9a-f]{32}'

[[rules]]
id = "search-key"
description = "context holding a negating word"
context = ["azure_search"]
secret = '[A-Za-z0-9]{52}'
)";

struct Fixture {
  RuleSet rules = load(kRules);
  HsDatabase db = [&] {
    auto d = HsDatabase::compile(rules);
    if (!d) FAIL(d.error());
    return std::move(*d);
  }();
  Matcher m{rules, db};

  // Secrets found, as "rule:value".
  std::vector<std::string> scan(const std::string& text) {
    auto scratch = m.make_scratch();
    REQUIRE(scratch);
    std::vector<RawMatch> out;
    REQUIRE_FALSE(m.scan(text, *scratch, out));
    std::vector<std::string> found;
    for (auto& r : out)
      found.push_back(rules[r.rule].id + ":" + text.substr(r.secret_begin, r.secret_end - r.secret_begin));
    return found;
  }
};

std::string fill(std::string line, const std::string& value) {
  for (size_t p; (p = line.find("{V}")) != std::string::npos;) line.replace(p, 3, value);
  return line;
}

}  // namespace

TEST_CASE("keyed: names split into words in every convention", "[keyed]") {
  auto words = [](std::string_view n) {
    std::vector<std::string> w;
    for (auto& x : name_words(n)) w.push_back(x.word);
    return w;
  };
  using V = std::vector<std::string>;
  CHECK(words("cohereApiKey") == V{"cohere", "api", "key"});
  CHECK(words("COHERE_API_KEY") == V{"cohere", "api", "key"});
  CHECK(words("APIKey") == V{"api", "key"});
  CHECK(words("wandb.config.git_commit") == V{"wandb", "config", "git", "commit"});
  CHECK(words("KAGGLE_DATASET_MD5") == V{"kaggle", "dataset", "md5"});
  CHECK(words("sha256sum") == V{"sha256", "sum"});
  CHECK(words("x-api-key") == V{"x", "api", "key"});
  CHECK(words("wandb.login(key") == V{"wandb", "login", "key"});
}

TEST_CASE("keyed: the name rules a value out, outside the context word only", "[keyed]") {
  Rule r;
  r.context = {"x"};
  auto allows = [&](std::string_view name, std::string_view secret, size_t cb = 0, size_t ce = 0) {
    return keyed_name_allows(r, KeyedName{name, cb, ce}, secret);
  };
  const std::string alnum = testing::fake_token("", testing::kAlnum, 40, 1);
  const std::string hex = testing::fake_token("", testing::kHex, 40, 2);
  CHECK(allows("COHERE_API_KEY", alnum));
  CHECK(allows("cohere.Client", alnum));  // random letters need no credential word
  CHECK(allows("WANDB_API_KEY", hex));
  CHECK_FALSE(allows("wandb.init", hex));  // hex needs a credential word: a digest is hex too
  CHECK_FALSE(allows("wandb_run", "6cc2fea4-c1e7-4385-a75d-418dd8642af4"));
  for (const char* n : {"KAGGLE_DATASET_MD5", "kaggle_competition_file_hash", "DAGSHUB_COMMIT", "heroku_app_uuid",
                        "datadog_trace_id", "linode_image_checksum", "PINECONE_INDEX_HOST_ID",
                        "AZURE_OPENAI_DEPLOYMENT_ID", "assemblyai_transcript_id", "deepgram_request_id",
                        "runpod_pod_id", "together_model_checksum", "WANDB_ARTIFACT_COMMIT", "gitSha1",
                        "model_version", "ALGOLIA_SEARCH_API_KEY", "stripe_publishable_key", "RevisionKey"})
    CHECK_FALSE(allows(n, alnum));
  CHECK(allows("api_key", alnum));
  CHECK(allows("client_secret", alnum));
  CHECK(allows("shared_secret", alnum));   // "sha" only as a word of its own (or sha1, sha256)
  CHECK(allows("android_key", alnum));     // "id" only as a word of its own
  // A negating word inside the context itself does not count: azure_search is the name.
  CHECK(allows("AZURE_SEARCH_KEY", alnum, 0, 12));
  CHECK_FALSE(allows("AZURE_SEARCH_KEY", alnum));
  r.name_allow = {"id"};
  CHECK(allows("MODAL_TOKEN_ID", alnum));
  CHECK_FALSE(allows("MODAL_TOKEN_COMMIT", alnum));
}

TEST_CASE("keyed: one rule finds its value in every assignment syntax", "[keyed]") {
  Fixture f;
  const std::string v = testing::fake_token("", testing::kAlnum, 40, 7);
  const std::vector<std::string> lines = {
      "COHERE_API_KEY={V}",
      "COHERE_API_KEY = \"{V}\"",
      "cohere_api_key: {V}",
      "  cohere_api_key: \"{V}\"",
      "{\"cohere_api_key\": \"{V}\",",
      "    \"{\\\"cohere_api_key\\\": \\\"{V}\\\"}\\n\",",
      "co_api_key := \"{V}\"",
      "'cohere_key' => '{V}',",
      "cohere_key <- \"{V}\"",
      "const cohereApiKey = process.env.CO_API_KEY || '{V}';",
      "const key = process.env.COHERE_API_KEY ?? \"{V}\";",
      "key = os.getenv(\"COHERE_API_KEY\") or \"{V}\"",
      "key = os.environ.get(\"COHERE_API_KEY\", \"{V}\")",
      "key = os.getenv('COHERE_API_KEY', '{V}')",
      "String k = System.getenv().getOrDefault(\"COHERE_API_KEY\", \"{V}\");",
      "let k = env::var(\"COHERE_API_KEY\").unwrap_or(\"{V}\".to_string());",
      "COHERE_API_KEY=\"${COHERE_API_KEY:-{V}}\"",
      "export const COHERE_KEY: string = \"{V}\";",
      "val cohereKey: String = \"{V}\"",
      "private val cohereKey: String = \"{V}\"",
      "var cohereKey string = \"{V}\"",
      "let cohere_key: &str = \"{V}\";",
      "const COHERE_KEY: &'static str = \"{V}\";",
      "let cohereKey: String = \"{V}\"",
      "private static final String COHERE_KEY = \"{V}\";",
      "client = cohere.Client(\"{V}\")",
      "co = cohere.ClientV2(api_key=\"{V}\")",
      "config = {'cohere': {'api_key': '{V}'}}",
      "os.environ[\"COHERE_API_KEY\"] = \"{V}\"",
      "cohere.api.key={V}",
      "cohere_api_key = {V}",
      "export COHERE_API_KEY={V}",
      "export COHERE_API_KEY=\"{V}\"",
      "set COHERE_API_KEY={V}",
      "$env:COHERE_API_KEY = \"{V}\"",
      "ENV COHERE_API_KEY={V}",
      "ENV COHERE_API_KEY {V}",
      "ARG COHERE_API_KEY={V}",
      "      - COHERE_API_KEY={V}",
      "      - \"COHERE_API_KEY={V}\"",
      "<cohereApiKey>{V}</cohereApiKey>",
      "<cohereApiKey>\n  {V}\n</cohereApiKey>",
      "<add key=\"CohereApiKey\" value=\"{V}\"/>",
      "<add key=\"CohereApiKey\"\n     value=\"{V}\" />",
      "<key>COHERE_API_KEY</key>\n<string>{V}</string>",
      "cohere --api-key {V}",
      "python chat.py --cohere-api-key {V}",
      "python chat.py --cohere-token={V}",
      "curl https://api.cohere.com/v2/chat -H \"Authorization: Bearer {V}\"",
      "curl https://api.cohere.com/v2/chat -H 'X-Api-Key: {V}'",
      "requests.post(COHERE_URL, headers={\"Authorization\": \"Bearer {V}\"})",
      "https://api.cohere.ai/v1/generate?api_key={V}",
      "https://api.cohere.ai/v1/generate?model=command&token={V}",
      "X-Cohere-Api-Key: {V}",
      "COHERE_AUTH: Bearer {V}",
  };
  for (auto& l : lines) {
    std::string text = fill(l, v);
    INFO(text);
    CHECK(f.scan(text) == std::vector<std::string>{"cohere:" + v});
  }
}

TEST_CASE("keyed: hex and UUID values need a credential word; hashes and ids stay quiet", "[keyed]") {
  Fixture f;
  const std::string h32 = testing::fake_token("", testing::kHex, 32, 11);
  const std::string h40 = testing::fake_token("", testing::kHex, 40, 12);
  const std::string a40 = testing::fake_token("", testing::kAlnum, 40, 13);
  CHECK(f.scan("export const KAGGLE_KEY: string = \"" + h32 + "\";") == std::vector<std::string>{"kaggle:" + h32});
  CHECK(f.scan("wandb.login(key=\"" + h40 + "\")") == std::vector<std::string>{"wandb:" + h40});
  CHECK(f.scan("WANDB_API_KEY=" + h40) == std::vector<std::string>{"wandb:" + h40});
  CHECK(f.scan("!wandb login " + h40) == std::vector<std::string>{"wandb:" + h40});
  CHECK(f.scan("wandb login --relogin " + h40) == std::vector<std::string>{"wandb:" + h40});
  for (const std::string& quiet : std::vector<std::string>{
           "wandb.config.git_commit = \"" + h40 + "\"",
           "wandb.config[\"git_commit\"] = \"" + h40 + "\"",
           "WANDB_ARTIFACT_COMMIT=" + h40,
           "os.environ['WANDB_ARTIFACT_COMMIT'] = '" + h40 + "'",
           "wandb.init(id=\"" + h40 + "\")",
           "wandb_run = \"" + h40 + "\"",
           "KAGGLE_DATASET_MD5 = \"" + h32 + "\"",
           "kaggle_competition_file_hash: " + h32,
           "kaggle.download(\"" + h32 + "\")",
           "git_commit_wandb_key = \"" + h40 + "\"",  // the word before the context counts too
           "cohere_model_version = \"" + a40 + "\"",
           "cohere_request_id: " + a40,
           "COHERE_API_KEY=" + a40 + "x",  // one character too long
           std::string("COHERE_API_KEY=${COHERE_API_KEY}"),
           "the cohere documentation says " + a40,
       }) {
    INFO(quiet);
    CHECK(f.scan(quiet).empty());
  }
}

TEST_CASE("keyed: name_allow keeps an id that is a secret; context words do not negate", "[keyed]") {
  Fixture f;
  const std::string id = testing::fake_token("ak-", testing::kAlnum, 22, 21);
  CHECK(f.scan("MODAL_TOKEN_ID=" + id) == std::vector<std::string>{"modal-id:" + id});
  CHECK(f.scan("modal_token_id = \"" + id + "\"") == std::vector<std::string>{"modal-id:" + id});
  CHECK(f.scan("token_id = \"" + id + "\"").empty());  // no Modal name: not this rule's
  const std::string h32 = testing::fake_token("", testing::kHex, 32, 22);
  CHECK(f.scan("ALGOLIA_ADMIN_KEY=" + h32) == std::vector<std::string>{"algolia-admin:" + h32});
  CHECK(f.scan("ALGOLIA_SEARCH_API_KEY=" + h32).empty());
  const std::string a52 = testing::fake_token("", testing::kAlnum, 52, 23);
  CHECK(f.scan("AZURE_SEARCH_KEY=" + a52) == std::vector<std::string>{"search-key:" + a52});
}

TEST_CASE("keyed: the expansion compiles in Hyperscan and RE2; bad forms are errors", "[keyed]") {
  Rule r;
  r.id = "x";
  r.context = {"acme_key", "acme[_-]?token"};
  r.secret = "[A-Za-z0-9]{32}";
  REQUIRE_FALSE(expand_keyed_rule(r));
  CHECK_FALSE(hs_check_regex(r.regex));
  CHECK_FALSE(hs_check_regex(r.hs_regex));
  CHECK(r.secret_group == kKeyedSecretGroup);
  CHECK(r.keywords == std::vector<std::string>{"acme_key"});
  CHECK(r.regex.find("acme[_.-]?key") != std::string::npos);  // `_` means an optional separator
  CHECK(r.regex.find("acme[_-]?token") != std::string::npos);  // but not inside [...]

  auto parse_error = [](const std::string& body) {
    std::vector<Rule> out;
    auto st = RuleSet::parse_file("[[rules]]\nid = \"x\"\ndescription = \"d\"\n" + body, "bad.toml", out);
    return st ? st->message : std::string();
  };
  CHECK(parse_error("context = [\"acme\"]\n").find("secret") != std::string::npos);
  CHECK(parse_error("secret = 'a{32}'\n").find("context") != std::string::npos);
  CHECK(parse_error("context = [\"(acme)\"]\nsecret = 'a{32}'\n").find("capturing") != std::string::npos);
  CHECK(parse_error("regex = 'a'\ncontext = [\"acme\"]\nsecret = 'a{32}'\n").find("not both") != std::string::npos);
  CHECK(parse_error("context = [\"acme\"]\nsecret = '[a-z]{32}'\n").empty());
}
