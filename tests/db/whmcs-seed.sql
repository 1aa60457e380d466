-- The smallest WHMCS install the tests start from: three currencies (EUR default),
-- the system URL and one administrator. No module rows: activation creates them.
SET NAMES utf8mb4;

INSERT INTO tblcurrencies (id, code, prefix, suffix, format, rate, `default`) VALUES
  (1, 'EUR', '€', ' EUR', 2, 1.00000, 1),
  (2, 'USD', '$', ' USD', 2, 1.08000, 0),
  (3, 'GBP', '£', ' GBP', 2, 0.86000, 0);

INSERT INTO tblconfiguration (setting, value, created_at, updated_at) VALUES
  ('SystemURL', 'https://whmcs.example.test/', NOW(), NOW()),
  ('CompanyName', 'Example Hosting', NOW(), NOW()),
  ('Language', 'english', NOW(), NOW());

INSERT INTO tbladmins (id, uuid, roleid, username, password, passwordhash, firstname, lastname, email,
    template, language, created_at, updated_at) VALUES
  (1, '6f1c2a52-0000-4000-8000-000000000001', 1, 'admin', '', '$2y$10$examplehashnotreal000000000000000000000000000000000000',
    'Ada', 'Admin', 'admin@whmcs.example.test', 'blend', 'english', NOW(), NOW());
