import Foundation
import Studies

/// What Optuna 5.1 writes into a fresh relational storage, and what the drivers accept when they
/// open one: alembic revision `v3.2.0.a`, `version_info` row `(1, 12, "5.1.0")`.
public enum OptunaSchema {
    /// The alembic revision Optuna 4.x and 5.x stamp (`alembic_version.version_num`).
    public static let alembicVersion = "v3.2.0.a"
    /// `version_info.schema_version` (Optuna's `models.SCHEMA_VERSION`).
    public static let schemaVersion = 12
    /// `version_info.library_version`: the Optuna release whose schema this is.
    public static let libraryVersion = "5.1.0"

    /// Checks what an existing database says about its schema and throws a `.storage` error naming
    /// `location`, the versions found and the ones expected, when it is not Optuna 5.1's.
    public static func check(alembicVersion found: String?, schemaVersion foundSchema: Int?,
                             libraryVersion foundLibrary: String?, location: String) throws {
        guard found != alembicVersion || foundSchema != schemaVersion else { return }
        let what = "alembic revision \(found ?? "none"), schema_version \(foundSchema.map(String.init) ?? "none")"
            + (foundLibrary.map { ", written by Optuna \($0)" } ?? "")
        let hint = (found ?? "") < alembicVersion && found != nil
            ? " (upgrade it with `optuna storage upgrade --storage URL`)" : ""
        throw StudyError.storage(
            "\(location): unknown Optuna schema: \(what); expected alembic revision \(alembicVersion), "
            + "schema_version \(schemaVersion) (Optuna 4.x-5.1)\(hint)")
    }

    /// The statements that create Optuna 5.1's tables in an empty PostgreSQL database, as
    /// SQLAlchemy emits them: `pg_dump -s` of the result equals `optuna-postgresql-schema.sql`.
    public static let postgresDDL: [String] = [
        "CREATE TYPE studydirection AS ENUM ('NOT_SET', 'MINIMIZE', 'MAXIMIZE')",
        "CREATE TYPE trialstate AS ENUM ('RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING')",
        "CREATE TYPE trialvaluetype AS ENUM ('FINITE', 'INF_POS', 'INF_NEG')",
        "CREATE TYPE trialintermediatevaluetype AS ENUM ('FINITE', 'INF_POS', 'INF_NEG', 'NAN')",
        """
        CREATE TABLE studies (study_id SERIAL NOT NULL, study_name VARCHAR(512) NOT NULL, PRIMARY KEY (study_id))
        """,
        "CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name)",
        """
        CREATE TABLE version_info (version_info_id INTEGER NOT NULL, schema_version INTEGER, \
        library_version VARCHAR(256), PRIMARY KEY (version_info_id), CHECK (version_info_id=1))
        """,
        """
        CREATE TABLE study_directions (study_direction_id SERIAL NOT NULL, direction studydirection NOT NULL, \
        study_id INTEGER NOT NULL, objective INTEGER NOT NULL, PRIMARY KEY (study_direction_id), \
        UNIQUE (study_id, objective), FOREIGN KEY(study_id) REFERENCES studies (study_id))
        """,
        """
        CREATE TABLE study_user_attributes (study_user_attribute_id SERIAL NOT NULL, study_id INTEGER, \
        key VARCHAR(512), value_json TEXT, PRIMARY KEY (study_user_attribute_id), UNIQUE (study_id, key), \
        FOREIGN KEY(study_id) REFERENCES studies (study_id))
        """,
        """
        CREATE TABLE study_system_attributes (study_system_attribute_id SERIAL NOT NULL, study_id INTEGER, \
        key VARCHAR(512), value_json TEXT, PRIMARY KEY (study_system_attribute_id), UNIQUE (study_id, key), \
        FOREIGN KEY(study_id) REFERENCES studies (study_id))
        """,
        """
        CREATE TABLE trials (trial_id SERIAL NOT NULL, number INTEGER, study_id INTEGER, state trialstate NOT NULL, \
        datetime_start TIMESTAMP WITHOUT TIME ZONE, datetime_complete TIMESTAMP WITHOUT TIME ZONE, \
        PRIMARY KEY (trial_id), FOREIGN KEY(study_id) REFERENCES studies (study_id))
        """,
        "CREATE INDEX ix_trials_study_id ON trials (study_id)",
        """
        CREATE TABLE trial_user_attributes (trial_user_attribute_id SERIAL NOT NULL, trial_id INTEGER, \
        key VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_user_attribute_id), UNIQUE (trial_id, key), \
        FOREIGN KEY(trial_id) REFERENCES trials (trial_id))
        """,
        """
        CREATE TABLE trial_system_attributes (trial_system_attribute_id SERIAL NOT NULL, trial_id INTEGER, \
        key VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_system_attribute_id), UNIQUE (trial_id, key), \
        FOREIGN KEY(trial_id) REFERENCES trials (trial_id))
        """,
        """
        CREATE TABLE trial_params (param_id SERIAL NOT NULL, trial_id INTEGER, param_name VARCHAR(512), \
        param_value FLOAT, distribution_json TEXT, PRIMARY KEY (param_id), UNIQUE (trial_id, param_name), \
        FOREIGN KEY(trial_id) REFERENCES trials (trial_id))
        """,
        """
        CREATE TABLE trial_values (trial_value_id SERIAL NOT NULL, trial_id INTEGER NOT NULL, objective INTEGER NOT NULL, \
        value FLOAT, value_type trialvaluetype NOT NULL, PRIMARY KEY (trial_value_id), UNIQUE (trial_id, objective), \
        FOREIGN KEY(trial_id) REFERENCES trials (trial_id))
        """,
        """
        CREATE TABLE trial_intermediate_values (trial_intermediate_value_id SERIAL NOT NULL, trial_id INTEGER NOT NULL, \
        step INTEGER NOT NULL, intermediate_value FLOAT, intermediate_value_type trialintermediatevaluetype NOT NULL, \
        PRIMARY KEY (trial_intermediate_value_id), UNIQUE (trial_id, step), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))
        """,
        """
        CREATE TABLE trial_heartbeats (trial_heartbeat_id SERIAL NOT NULL, trial_id INTEGER NOT NULL, \
        heartbeat TIMESTAMP WITHOUT TIME ZONE NOT NULL, PRIMARY KEY (trial_heartbeat_id), UNIQUE (trial_id), \
        FOREIGN KEY(trial_id) REFERENCES trials (trial_id))
        """,
        """
        CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, \
        CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))
        """,
    ]
}
