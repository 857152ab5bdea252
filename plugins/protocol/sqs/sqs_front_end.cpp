#include "sqs_front_end.hpp"

#include <array>
#include <ctime>
#include <random>

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "query_decoder.hpp"
#include "sqs_actions.hpp"
#include "xml_encoder.hpp"

namespace sluice::plugins::sqs {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr std::string_view kJsonContentType = "application/x-amz-json-1.0";

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::array<std::uint64_t, 2> words{rng(), rng()};
  words[0] = (words[0] & ~0xf000ULL) | 0x4000ULL;                         // version 4
  words[1] = (words[1] & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(words[0] >> 32),
                static_cast<unsigned>((words[0] >> 16) & 0xffff),
                static_cast<unsigned>(words[0] & 0xffff), static_cast<unsigned>(words[1] >> 48),
                static_cast<unsigned long long>(words[1] & 0xffffffffffffULL));
  return text;
}

// The Date header for now, formatted once per second per thread (it was a measurable share of a
// small reply's cost).
const std::string& http_date() {
  thread_local std::time_t formatted_at = -1;
  thread_local std::string text;
  const std::time_t now = std::time(nullptr);
  if (now != formatted_at) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    text = buffer;
    formatted_at = now;
  }
  return text;
}

HttpResponse make_response(int status, std::string_view content_type, std::string body,
                           const std::string& request_id) {
  HttpResponse res{static_cast<http::status>(status), 11};
  res.set(http::field::server, "Sluice");
  res.set(http::field::date, http_date());
  res.set(http::field::content_type, std::string(content_type));
  res.set("x-amzn-RequestId", request_id);
  res.body() = std::move(body);
  return res;
}

HttpResponse encode(bool json_protocol, const std::string& action, const ActionOutcome& outcome,
                    const std::string& request_id) {
  if (const auto* error = std::get_if<WireError>(&outcome)) {
    if (json_protocol) {
      json body{{"__type", "com.amazonaws.sqs#" + error->json_shape}, {"message", error->message}};
      auto res =
          make_response(error->http_status, kJsonContentType,
                        body.dump(-1, ' ', false, json::error_handler_t::replace), request_id);
      res.set("x-amzn-query-error",
              error->query_code + (error->sender_fault ? ";Sender" : ";Receiver"));
      return res;
    }
    return make_response(error->http_status, "text/xml", render_query_error(*error, request_id),
                         request_id);
  }
  const json& output = std::get<json>(outcome);
  if (json_protocol) {
    std::string body =
        output.is_null() ? "{}" : output.dump(-1, ' ', false, json::error_handler_t::replace);
    return make_response(200, kJsonContentType, std::move(body), request_id);
  }
  return make_response(200, "text/xml", render_query_response(action, output, request_id),
                       request_id);
}

// JSON 1.0 when a POST says application/x-amz-json-1.x (ElasticMQ-style leniency on the minor
// version); everything else is the query protocol (spec section 2.1).
bool is_json_request(const HttpRequest& request) {
  const auto field = request[http::field::content_type];
  const std::string_view content_type(field.data(), field.size());
  return request.method() == http::verb::post &&
         content_type.rfind("application/x-amz-json-1.", 0) == 0;
}

constexpr std::string_view kTargetPrefix = "AmazonSQS.";

// The action a JSON request names in X-Amz-Target, or "" when the header is missing or foreign.
std::string json_action(const HttpRequest& request) {
  const auto field = request["X-Amz-Target"];
  const std::string_view header(field.data(), field.size());
  return header.rfind(kTargetPrefix, 0) == 0 ? std::string(header.substr(kTargetPrefix.size()))
                                             : std::string();
}

// The queue named by a request path: /<account>/<name>, /<name>, with or without a trailing '/'.
std::string queue_from_path(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(slash + 1));
}

}  // namespace

SqsFrontEndOptions sqs_options_from(const sdk::PluginConfig& config) {
  SqsFrontEndOptions o;
  o.http.address = config.get_string("listen", o.http.address);
  o.http.port = static_cast<std::uint16_t>(config.get_int("port", o.http.port));
  o.http.max_connections = static_cast<std::size_t>(config.get_int("max_connections", 1024));
  o.http.max_body_bytes =
      static_cast<std::size_t>(config.get_int("max_body_bytes", 6 * 1024 * 1024));
  o.http.idle_timeout = std::chrono::seconds(config.get_int("idle_timeout_seconds", 75));
  o.http.read_timeout = std::chrono::seconds(config.get_int("read_timeout_seconds", 30));
  o.http.shutdown_grace = std::chrono::seconds(config.get_int("shutdown_grace_seconds", 25));
  o.public_url = config.get_string("public_url", "");
  o.io_threads = static_cast<std::uint32_t>(config.get_int("io_threads", 2));
  o.auth.max_clock_skew = std::chrono::seconds(config.get_int("max_clock_skew_seconds", 300));
  while (!o.public_url.empty() && o.public_url.back() == '/') o.public_url.pop_back();
  return o;
}

SqsFrontEnd::SqsFrontEnd(SqsFrontEndOptions options, sdk::Logger& logger)
    : options_(std::move(options)), logger_(logger) {}

SqsFrontEnd::~SqsFrontEnd() { stop(); }

sdk::Status SqsFrontEnd::start(sdk::BrokerApi& broker) {
  return start_with_services(broker, sdk::HostServices{});
}

sdk::Status SqsFrontEnd::start_with_services(sdk::BrokerApi& broker,
                                             const sdk::HostServices& services) {
  actions_ = std::make_unique<SqsActions>(broker);
  // Connections are served by the HTTP server's own I/O workers (io_threads of them, one
  // single-threaded io_context each); this io_context, run by one thread, only accepts and runs
  // the auth gate's continuations.
  io_ = std::make_unique<boost::asio::io_context>(1);
  options_.http.io_threads = options_.io_threads;
  options_.http.on_exception = [this](const std::string& what) {
    // A handler that throws is our bug; the worker keeps serving its other connections.
    logger_.error("unhandled exception in the SQS front end: " + what);
  };
  if (services.authenticator != nullptr) {
    gate_ = std::make_unique<SqsAuthGate>(
        services, broker, options_.auth,
        [io = io_.get()](std::function<void()> fn) { boost::asio::post(*io, std::move(fn)); },
        logger_);
  }
  server_ = std::make_unique<HttpServer>(
      options_.http,
      [this](HttpRequest request, const PeerInfo& peer, std::function<void(HttpResponse)> respond) {
        handle(std::move(request), peer, std::move(respond));
      },
      [this](const HttpRequest& headers) { return refuse_oversize(headers); });
  auto status = server_->start(*io_);
  if (!status.ok()) {
    server_.reset();
    io_.reset();
    return status;
  }
  work_ =
      std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
          io_->get_executor());
  threads_.emplace_back([this] { run_io(); });
  logger_.info("SQS front end listening on " + options_.http.address + ":" +
               std::to_string(server_->port()) +
               (gate_ ? " (SigV4 required)" : " (anonymous: no auth plugin)"));
  return status;
}

void SqsFrontEnd::stop() {
  if (!server_) return;
  server_->stop();
  if (gate_) gate_->detach();
  work_.reset();
  io_->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  server_.reset();
  io_.reset();
  logger_.info("SQS front end stopped");
}

void SqsFrontEnd::run_io() {
  for (;;) {
    try {
      io_->run();
      return;
    } catch (const std::exception& e) {
      // A handler that throws is our bug; keep serving the other connections.
      logger_.error(std::string("unhandled exception in the SQS front end: ") + e.what());
    }
  }
}

HttpResponse SqsFrontEnd::refuse_oversize(const HttpRequest& headers) const {
  const bool json_protocol = is_json_request(headers);
  // The body is unread, so the action is known only from X-Amz-Target or the URL's query string.
  std::string action;
  if (json_protocol) {
    action = json_action(headers);
  } else {
    const std::string target(headers.target());
    QueryParams params;
    if (const auto q = target.find('?');
        q != std::string::npos && decode_form(std::string_view(target).substr(q + 1), params)) {
      if (auto it = params.find("Action"); it != params.end()) action = it->second;
    }
  }
  if (!actions_->knows(action)) action.clear();
  const std::string limit = std::to_string(options_.http.max_body_bytes);
  // A batch this large is certainly over the 1 MiB batch limit: say so with the modeled error
  // the SDKs map to a typed exception. Anything else is an invalid parameter. Either way HTTP
  // 413 tells the truth about the transport.
  WireError error = WireError::from(
      action == "SendMessageBatch"
          ? sdk::make_error(sdk::ErrorCode::kBatchRequestTooLong,
                            "Batch requests cannot be longer than 1048576 bytes. This request's "
                            "body is over the server's limit of " +
                                limit + " bytes (max_body_bytes).")
          : sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                            "One or more parameters are invalid. Reason: the request body is "
                            "over the server's limit of " +
                                limit + " bytes (max_body_bytes)."));
  error.http_status = 413;
  return encode(json_protocol, action, error, new_request_id());
}

void SqsFrontEnd::handle(HttpRequest request, const PeerInfo& peer,
                         std::function<void(HttpResponse)> respond) {
  const std::string request_id = new_request_id();
  const bool json_protocol = is_json_request(request);

  const std::string target_text(request.target());
  const std::string_view target = target_text;
  const auto question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  SqsCall call;
  call.path_queue = queue_from_path(path);
  if (!options_.public_url.empty()) {
    call.base_url = options_.public_url;
  } else if (const auto host = request[http::field::host]; !host.empty()) {
    call.base_url = "http://" + std::string(host);
  } else {
    call.base_url = "http://" + options_.http.address + ":" + std::to_string(server_->port());
  }
  call.context.trace_header = std::string(request["X-Amzn-Trace-Id"]);
  call.context.sender_id = peer.address;

  const auto reply = [respond, json_protocol, request_id](const std::string& action,
                                                          const ActionOutcome& outcome) {
    respond(encode(json_protocol, action, outcome, request_id));
  };

  std::optional<sdk::Principal> caller;
  if (gate_) {
    auto authenticated = gate_->authenticate(request, peer.address);
    if (const auto* error = std::get_if<WireError>(&authenticated)) return reply("", *error);
    caller = std::get<sdk::Principal>(std::move(authenticated));
    SqsAuthGate::identify(*caller, call.context);
  }

  if (json_protocol) {
    call.action = json_action(request);
    if (!actions_->knows(call.action)) {
      return reply(call.action, WireError::unknown_operation(std::string(request["X-Amz-Target"])));
    }
    const std::string& body = request.body();
    call.input = body.empty() ? json::object() : json::parse(body, nullptr, false);
    if (call.input.is_discarded() || !call.input.is_object()) {
      return reply(call.action, WireError::serialization("The request body is not a JSON object."));
    }
  } else {
    if (request.method() != http::verb::get && request.method() != http::verb::post) {
      return reply("", WireError::invalid_action(std::string(request.method_string())));
    }
    QueryParams params;
    if (!decode_form(query, params) || !decode_form(request.body(), params)) {
      return reply("", WireError::malformed_query("The request has a malformed query string or "
                                                  "form body."));
    }
    const auto action = params.find("Action");
    if (action == params.end() || action->second.empty()) {
      return reply("", WireError::missing_action());
    }
    call.action = action->second;
    if (!actions_->knows(call.action)) {
      return reply(call.action, WireError::invalid_action(call.action));
    }
    call.input = query_to_input(call.action, params);
  }

  const std::string action = call.action;
  ActionDone done = [reply, action](ActionOutcome outcome) { reply(action, outcome); };
  if (gate_) {
    return gate_->dispatch(std::move(call), *caller, peer.address, std::move(done),
                           [this](SqsCall authorized, ActionDone finish) {
                             actions_->run(std::move(authorized), std::move(finish));
                           });
  }
  actions_->run(std::move(call), std::move(done));
}

}  // namespace sluice::plugins::sqs
