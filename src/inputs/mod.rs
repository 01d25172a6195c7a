//! Reading what users have: scenario files, series CSV, network documents (Bitcoin Core RPC,
//! mempool.space API, snapshot files) and the embedded catalogs (machines, deals).

pub mod deals;
pub mod documents;
pub mod machines;
pub mod scenario;
