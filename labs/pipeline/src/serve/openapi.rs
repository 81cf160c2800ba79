//! The service's contract, `/openapi.json`, made from the handlers' own
//! annotations and the API types' derived schemas, so that it cannot drift
//! from the code without a test noticing (`the_contract_lists_every_route`).

use super::*;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ninety spam filter",
        description = "The course's spam filter served by the pipeline's serve stage: scores a message, in parts or raw, with the registry's champion model."
    ),
    paths(
        index,
        predict,
        predict_batch,
        feedback,
        status,
        healthz,
        readyz,
        metrics,
        openapi,
        admin_reload,
        admin_promote
    ),
    components(schemas(
        PredictRequest,
        Prediction,
        BatchRequest,
        BatchResponse,
        FeedbackRequest,
        ErrorBody,
        ServeStatus,
        Readiness,
        PromoteRequest,
        Swapped
    )),
    modifiers(&Token)
)]
struct Contract;

/// The admin routes' bearer token.
struct Token;

impl utoipa::Modify for Token {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = doc.components.as_mut() {
            components.add_security_scheme(
                "token",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "The token the server writes at start to `.ninety/serve/admin-token` (mode 0600).",
                        ))
                        .build(),
                ),
            );
        }
    }
}

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    Contract::openapi()
}
