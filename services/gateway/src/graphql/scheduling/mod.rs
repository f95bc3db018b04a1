//! The scheduling domain of the schema: appointments (who meets whom, when, in person or by
//! telehealth) and the telehealth room of an appointment (whether its session may be and is
//! being recorded). scheduling decides who reaches which appointment and asks consent
//! whether a booking or a recording may go ahead; that a person has an appointment is PHI.

pub mod appointments;
pub mod rooms;

use async_graphql::Context;

use crate::downstream::scheduling::SchedulingClient;
use crate::graphql::error::GqlError;

/// The scheduling client from the schema data.
pub fn scheduling<'a>(ctx: &Context<'a>) -> Result<&'a SchedulingClient, GqlError> {
    crate::graphql::context::data(ctx)
}
